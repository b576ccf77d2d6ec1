// The loop closed: stats in the database → ads-scoring publishes a score version → a running
// ads-serving-rpc picks it up and the high-CTR ad wins far more decisions than the low-CTR ad
// of the same campaign, where before the scores they were drawn alike.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createRpcClient, servingContract } from '@ads/ads-client';
import type { DecisionRequest, SnapshotCampaign, SnapshotPlacement } from '@ads/ads-client';
import { waitForHttp } from '@ads/test-kit';
import { freePort, runTsCommand, startTsProcess, type RunningProcess } from './support/processes';
import { HOUR_MS, runScoring, startFeedbackStack, statsRow, type FeedbackStack } from './support/feedback-stack';

let stack: FeedbackStack;
let serving: RunningProcess | undefined;

before(async () => {
  stack = await startFeedbackStack();
});
after(async () => {
  await serving?.stop();
  await stack?.stop();
});

/** A sponsorship CPC campaign with two native ads, always on, and a request it wins a native slot with. */
function findScenario(campaigns: readonly SnapshotCampaign[], placements: readonly SnapshotPlacement[]) {
  for (const campaign of campaigns) {
    const { targeting } = campaign;
    const native = campaign.ads.filter((ad) => ad.format === 'native');
    if (campaign.priority !== 'sponsorship' || campaign.bidType !== 'CPC' || native.length < 2) continue;
    if (targeting.hours.length > 0 || targeting.weekdays.length > 0 || campaign.frequencyCap !== null) continue;
    const placement = placements.find(
      (candidate) =>
        candidate.allowedFormats.includes('native') &&
        (targeting.siteIds.length === 0 || targeting.siteIds.includes(candidate.siteId)) &&
        (targeting.categories.length === 0 || (candidate.category !== null && targeting.categories.includes(candidate.category))),
    );
    if (placement === undefined) continue;
    const request = (): DecisionRequest => ({
      placements: [{ divName: 'slot', placementKey: placement.key, formats: ['native'] }],
      userKey: `u${randomUUID().replace(/-/g, '').slice(0, 20)}`,
      keywords: targeting.keywords,
      ...(targeting.countries[0] === undefined ? {} : { country: targeting.countries[0] }),
      ...(targeting.devices[0] === undefined ? {} : { device: targeting.devices[0] }),
    });
    return { campaign, high: native[0]!.id, low: native[1]!.id, request };
  }
  throw new Error('the seeded inventory has no always-on sponsorship CPC campaign with two native ads and a matching placement');
}

test('a higher score wins more of serving’s decisions', async (t) => {
  const snapshot = await stack.snapshot();
  const { high, low, request } = findScenario(snapshot.campaigns, snapshot.placements);

  const warm = await runTsCommand('services/cache-warming', 'src/main.ts', ['run', '--json'], stack.commandEnvironment);
  assert.equal(warm.code, 0, `cache-warming: ${warm.stderr}`);
  const port = await freePort();
  serving = startTsProcess('ads-serving-rpc', 'services/ads-serving-rpc', 'src/main.ts', [], {
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_KEY_PREFIX: stack.keys.prefix,
    EXPLORATION_RATE: '0',
    INDEX_POLL_MS: '500',
    NODE_ENV: 'test',
    // Info logs say which score version serving has loaded (the test waits for that line).
    LOG_LEVEL: 'info',
  });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, { watch: serving, timeoutMs: 60_000, accept: (status) => status === 200 });
  const client = createRpcClient(servingContract, { urls: [`http://127.0.0.1:${port}/rpc`], timeoutMs: 10_000 });

  const countWins = async (decisions: number) => {
    const wins = { high: 0, low: 0 };
    for (let done = 0; done < decisions; done += 25) {
      const answers = await Promise.all(Array.from({ length: 25 }, () => client.serving.decide(request())));
      for (const answer of answers) {
        const adId = answer.decisions.slot?.[0]?.adId;
        if (adId === high) wins.high += 1;
        if (adId === low) wins.low += 1;
      }
    }
    return wins;
  };

  try {
    // Without scores every ad of the campaign weighs the same.
    const unscored = await countWins(400);
    t.diagnostic(`before scoring: high-CTR ad ${unscored.high} wins, low-CTR ad ${unscored.low}`);
    assert.ok(unscored.high > 0 && unscored.low > 0, `both ads are served before scoring: ${JSON.stringify(unscored)}`);
    assert.ok(
      unscored.high < 2.5 * unscored.low && unscored.low < 2.5 * unscored.high,
      `alike before scoring: ${JSON.stringify(unscored)}`,
    );

    const lastHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
    await stack.client.stats.ingest({
      batchId: randomUUID(),
      rows: [
        statsRow(high, lastHour, { impressions: 20_000, clicks: 1_000, spendMicros: 1_000_000 }),
        statsRow(low, lastHour, { impressions: 20_000, clicks: 100, spendMicros: 100_000 }),
      ],
    });
    const scored = await runScoring(stack, ['--json']);
    assert.equal(scored.code, 0, scored.stderr);
    const version = (JSON.parse(scored.stdout) as { version: string }).version;
    // Serving loads a version when it is announced, and polls as a fallback.
    await serving.waitForOutput(
      (stdout) => stdout.split('\n').some((line) => line.includes('"msg":"scores loaded"') && line.includes(`"version":"${version}"`)),
      `serving to load score version ${version}`,
      30_000,
    );

    const after = await countWins(400);
    t.diagnostic(`after score version ${version}: high-CTR ad ${after.high} wins, low-CTR ad ${after.low}`);
    assert.ok(
      after.high > 3 * after.low,
      `after score version ${version} the high-CTR ad wins more: ${JSON.stringify(after)} (before: ${JSON.stringify(unscored)})`,
    );
  } finally {
    await client.$close();
  }
});
