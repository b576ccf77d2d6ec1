// ads-scoring against a real ads-data-api and PostgreSQL: with little evidence two ads of a
// CPC campaign stay close; once evidence accumulates, the high-CTR ad is scored clearly above
// the low-CTR one in the published version, and an ad without data gets the prior.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ScoreStore } from '@ads/ads-client';
import type { AdScore } from '@ads/ads-client';
import { EXIT_CODES } from '@ads/ads-client/service';
import { HOUR_MS, pickCampaign, runScoring, startFeedbackStack, statsRow, type FeedbackStack } from './support/feedback-stack';

let stack: FeedbackStack;

before(async () => {
  stack = await startFeedbackStack();
});
after(async () => {
  await stack?.stop();
});

const rank = (score: AdScore) => score.eCpmMicros * score.pacingFactor;

interface Summary {
  version: string | null;
  dryRun: boolean;
  ads: number;
  adsWithEvidence: number;
  previousVersion: string | null;
  movers: { adId: string }[];
}

test('a high-CTR ad ranks above a low-CTR one once evidence accumulates', async () => {
  // Three ads: two that get evidence, and one without any that must get the prior.
  const campaign = pickCampaign(await stack.snapshot(), 3, (candidate) => candidate.bidType === 'CPC');
  const [high, low, fresh] = campaign.ads.map((ad) => ad.id) as [string, string, string];
  const lastHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const store = new ScoreStore(stack.redis, stack.keys);

  // A little evidence: 2 clicks against 0 in 40 impressions each is no proof.
  await stack.client.stats.ingest({
    batchId: randomUUID(),
    rows: [
      statsRow(high, lastHour, { impressions: 40, clicks: 2, spendMicros: 100_000 }),
      statsRow(low, lastHour, { impressions: 40, clicks: 0, spendMicros: 0 }),
    ],
  });
  const first = await runScoring(stack, ['--json']);
  assert.equal(first.code, 0, first.stderr);
  const firstSummary = JSON.parse(first.stdout) as Summary;
  assert.equal(await store.currentVersion(), firstSummary.version);
  const early = (await store.readCurrent())!;
  assert.equal(early.scores.size, firstSummary.ads);
  const earlyHigh = early.scores.get(high)!;
  const earlyLow = early.scores.get(low)!;
  assert.ok(earlyHigh.pCtr >= earlyLow.pCtr);
  assert.ok(earlyHigh.pCtr / earlyLow.pCtr < 1.5, `little evidence keeps them close: ${earlyHigh.pCtr} vs ${earlyLow.pCtr}`);

  // Evidence accumulates: 5% against 0.5% over 20,000 impressions each.
  await stack.client.stats.ingest({
    batchId: randomUUID(),
    rows: [
      statsRow(high, lastHour - HOUR_MS, { impressions: 20_000, clicks: 1_000, spendMicros: 50_000_000 }),
      statsRow(low, lastHour - HOUR_MS, { impressions: 20_000, clicks: 100, spendMicros: 5_000_000 }),
    ],
  });
  const second = await runScoring(stack, ['--json']);
  assert.equal(second.code, 0, second.stderr);
  const secondSummary = JSON.parse(second.stdout) as Summary;
  assert.equal(secondSummary.previousVersion, firstSummary.version);
  assert.equal(await store.currentVersion(), secondSummary.version);
  assert.equal(await store.previousVersion(), firstSummary.version);
  const late = (await store.readCurrent())!;
  const lateHigh = late.scores.get(high)!;
  const lateLow = late.scores.get(low)!;
  assert.ok(lateHigh.pCtr > 0.04 && lateHigh.pCtr < 0.06, `high pCTR near 5%: ${lateHigh.pCtr}`);
  assert.ok(lateLow.pCtr < 0.01, `low pCTR near 0.5%: ${lateLow.pCtr}`);
  assert.ok(rank(lateHigh) > 3 * rank(lateLow), `high ranks above low: ${rank(lateHigh)} vs ${rank(lateLow)}`);
  assert.ok(
    secondSummary.movers.some((mover) => mover.adId === high),
    'the high-CTR ad is among the biggest movers',
  );
  const newAd = late.scores.get(fresh)!;
  assert.ok(newAd.pCtr > lateLow.pCtr && newAd.pCtr < lateHigh.pCtr, `an ad without data gets the prior: ${newAd.pCtr}`);
  // Every servable ad has a score; the meta carries the defaults for ads created since.
  const snapshot = await stack.snapshot();
  assert.equal(
    late.scores.size,
    snapshot.campaigns.reduce((sum, item) => sum + item.ads.length, 0),
  );
  assert.ok(late.meta.defaults.pCtr > 0);
});

test('the terminal report shows the movers table; --dry-run writes nothing', async () => {
  const current = await stack.redis.get(stack.keys.scoresCurrent);
  const versionsBefore = (await stack.redis.keys(stack.keys.scoresVersion('*'))).sort();
  const dry = await runScoring(stack, ['--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /dry run: nothing written/);
  assert.equal(await stack.redis.get(stack.keys.scoresCurrent), current);
  assert.deepEqual((await stack.redis.keys(stack.keys.scoresVersion('*'))).sort(), versionsBefore);

  // New evidence moves a CPC ad: the table lists it.
  const campaign = pickCampaign(await stack.snapshot(), 2, (candidate) => candidate.bidType === 'CPC');
  await stack.client.stats.ingest({
    batchId: randomUUID(),
    rows: [statsRow(campaign.ads[1]!.id, Date.now() - 3 * HOUR_MS, { impressions: 5_000, clicks: 900, spendMicros: 1_000_000 })],
  });
  const report = await runScoring(stack, []);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /published score version/);
  assert.match(report.stdout, /biggest movers/);
  assert.ok(report.stdout.includes(campaign.ads[1]!.id.slice(0, 8)), report.stdout);
});

test('with ads-data-api down scoring exits non-zero and the current version stays', async () => {
  const current = await stack.redis.get(stack.keys.scoresCurrent);
  assert.ok(current !== null);
  await stack.stopDataApi();
  const result = await runScoring(stack, ['--json']);
  assert.equal(result.code, EXIT_CODES.dataApiUnavailable, result.stderr);
  assert.match(result.stderr, /DATA_API_UNAVAILABLE/);
  assert.equal(await stack.redis.get(stack.keys.scoresCurrent), current);
  assert.ok((await new ScoreStore(stack.redis, stack.keys).readCurrent()) !== null);
});
