// Landing pages in any script: an ad whose landing page has a non-ASCII host
// (https://exämple.com/) is clicked through to the punycode form of its host and counted once,
// on the instance that decided and on another one. Pure checks of the normalisation, then two
// serving processes (src/main.ts under tsx) on a real Redis.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { postJsonRpc, waitFor } from '@ads/test-kit';
import { RedisKeys, ServingIndexStore, beaconUrl, decodeTrackingEvent, type DecisionResponse } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { buildDecisionIndex, landingPage } from '../src/domain/decision-index';
import { fixtureCampaign, fixtureIndex, publishFixtureIndex } from './support/serving-index-fixture';
import { freePort, startServingProcess, waitForPath, type ServingProcess } from './support/serving-process';

const prefix = `test:${randomUUID()}:`;
const keys = new RedisKeys(prefix);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const started: ServingProcess[] = [];

after(async () => {
  await Promise.all(started.map((serving) => serving.stop()));
  const leftovers = await redis.keys(`${prefix}*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
});

const IDN_LANDING = 'https://exämple.com/';
const IDN_LANDING_ASCII = 'https://xn--exmple-cua.com/';

test('landing pages are normalised to ASCII: punycode hosts, percent-encoded paths; non-http(s) refused', () => {
  const cases: [string, string | null][] = [
    [IDN_LANDING, IDN_LANDING_ASCII],
    ['https://EXÄMPLE.com', IDN_LANDING_ASCII],
    ['https://exa\u0308mple.com/', IDN_LANDING_ASCII],
    ['https://münchen.de/straße?q=ä#teil', 'https://xn--mnchen-3ya.de/stra%C3%9Fe?q=%C3%A4#teil'],
    ['https://例え.テスト/', 'https://xn--r8jz45g.xn--zckzah/'],
    ['https://xn--exmple-cua.com/', IDN_LANDING_ASCII],
    ['javascript:alert(1)', null],
    ['/relative/path', null],
    ['https://exa mple.com/', null],
  ];
  for (const [input, expected] of cases) assert.equal(landingPage(input), expected, input);
  const index = buildDecisionIndex(
    fixtureIndex({ campaigns: [fixtureCampaign({ id: 'idn', ads: [{ id: 'idn-ad', clickUrl: IDN_LANDING }] })] }),
  );
  assert.equal(index.ads[0]!.landingUrl, IDN_LANDING_ASCII);
});

async function startServing(trackingSecret: string): Promise<string> {
  const port = await freePort();
  const serving = startServingProcess({ PORT: String(port), REDIS_KEY_PREFIX: prefix, NODE_ENV: 'test', TRACKING_SECRET: trackingSecret });
  started.push(serving);
  const base = `http://127.0.0.1:${port}`;
  await waitForPath(serving, base, '/readyz');
  return base;
}

async function clicksCounted(decisionId: string): Promise<number> {
  const entries = await redis.xrange(keys.eventsStream, '-', '+');
  return entries
    .map(([, fields]) => decodeTrackingEvent(fields))
    .filter((entry) => entry.ok && entry.event.decisionId === decisionId && entry.event.type === 'click').length;
}

test('a click on an ad with an international landing host redirects to its punycode form and counts once, on either instance', async () => {
  const index = fixtureIndex({
    version: 'idn-1',
    campaigns: [fixtureCampaign({ id: 'idn', bidType: 'CPC', bidAmount: 50, ads: [{ id: 'idn-ad', clickUrl: IDN_LANDING }] })],
  });
  const store = new ServingIndexStore(redis, keys);
  await publishFixtureIndex(store, index);
  const secret = randomBytes(48).toString('base64');
  const [deciding, other] = await Promise.all([startServing(secret), startServing(secret)]);

  for (const [name, clickOn] of [
    ['the deciding instance', deciding],
    ['another instance', other],
  ] as const) {
    const answer = await postJsonRpc(`${deciding}/rpc`, 'serving.decide', {
      placements: [{ divName: 'slot', placementKey: index.placements[0]!.key }],
    });
    const { result } = (await answer.json()) as { result: DecisionResponse };
    const ad = result.decisions.slot![0]!;
    assert.equal(ad.adId, 'idn-ad', 'the ad is served');
    const clickUrl = beaconUrl(ad.trackingUrl, 'click').replace(deciding, clickOn);

    const click = await fetch(clickUrl, { redirect: 'manual' });
    assert.equal(click.status, 302, `${name}: ${click.status} ${await click.text()}`);
    assert.equal(click.headers.get('location'), IDN_LANDING_ASCII, name);
    // Buffered when Redis answers slower than 300 ms (a loaded machine): counted all the same.
    assert.match(click.headers.get('x-ads-event') ?? '', /^(counted|buffered)$/, name);
    const again = await fetch(clickUrl, { redirect: 'manual' });
    assert.equal(again.status, 302, 'a second click still lands');
    assert.equal(again.headers.get('location'), IDN_LANDING_ASCII);
    assert.equal(again.headers.get('x-ads-event'), 'duplicate', 'but is not counted');
    await waitFor(async () => (await clicksCounted(result.decisionId)) > 0, `${name}: the click to reach the events stream`, {
      timeoutMs: 10_000,
    });
    assert.equal(await clicksCounted(result.decisionId), 1, `${name}: one click in the events stream`);
  }
});
