// Forecasting opportunities against the real Redis: the serving app in-process decides from a
// published fixture index and records what it was asked; a flush puts exact counts per hour and
// placement and the day's bottom-k sample in the `{fc}` keys. Two recorders (two instances)
// flushing into one day's sample leave exactly the k lowest-priority requests; a Redis outage
// loses nothing; the replay header is honoured only with FORECAST_REPLAY, a bad one named.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { startPrivateRedis, waitFor } from '@ads/test-kit';
import {
  OPPORTUNITY_KEY_TTL_SECONDS,
  RedisKeys,
  ServingIndexStore,
  dayBucket,
  forecast,
  hourBucket,
  visitorHash,
  type DecisionRequest,
  type OpportunitySample,
} from '@ads/ads-client';
import { openRedis } from '@ads/ads-client/service';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../src/config';
import { createServingApp, type ServingApp } from '../src/app/serving-app';
import { OpportunityRecorder } from '../src/store/opportunity-recorder';
import { fixtureCampaign, fixtureIndex, publishFixtureIndex } from './support/serving-index-fixture';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const logger = pino({ level: 'silent' });
const prefixes: string[] = [];
const apps: ServingApp[] = [];
const cleanups: Array<() => Promise<void>> = [];

after(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  for (const cleanup of cleanups) await cleanup();
  for (const prefix of prefixes) {
    const found = await redis.keys(`${prefix}*`);
    if (found.length > 0) await redis.del(...found);
  }
  redis.disconnect();
});

function newKeys(): RedisKeys {
  const prefix = `test:${randomUUID()}:`;
  prefixes.push(prefix);
  return new RedisKeys(prefix);
}

/** A serving app on its own prefix, deciding from a two-placement fixture index, with these settings. */
async function startApp(keys: RedisKeys, env: Record<string, string> = {}): Promise<{ app: ServingApp; rpcUrl: string }> {
  const index = fixtureIndex({
    version: 'opp-1',
    campaigns: [fixtureCampaign({ id: 'c1', bidType: 'CPC', bidAmount: 10 })],
    placements: [{ key: 'home-top' }, { key: 'home-side' }],
  });
  await publishFixtureIndex(new ServingIndexStore(redis, keys), index);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_KEY_PREFIX: keys.prefix,
    INDEX_POLL_MS: '60000',
    NODE_ENV: 'test',
    REDIS_READ_TIMEOUT_MS: '1000',
    // The tests flush by hand; the timer stays out of the way.
    FORECAST_FLUSH_MS: '600000',
    ...env,
  });
  const app = createServingApp(config, logger);
  apps.push(app);
  const port = await app.start();
  await waitFor(() => app.lifecycle.current?.version === 'opp-1', 'the fixture index loaded');
  return { app, rpcUrl: `http://127.0.0.1:${port}/rpc` };
}

async function decideRaw(
  rpcUrl: string,
  params: DecisionRequest,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { result?: unknown; error?: { data: { code: string; issues?: Array<{ path: unknown[] }> }; message: string } };
}> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'serving.decide', params }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

async function decideOk(rpcUrl: string, params: DecisionRequest, headers: Record<string, string> = {}): Promise<void> {
  const answer = await decideRaw(rpcUrl, params, headers);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

/** The counts of every hour in [fromMs, toMs], summed per placement. */
async function countsBetween(keys: RedisKeys, fromMs: number, toMs: number): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const hour of new Set([hourBucket(fromMs), hourBucket(toMs)])) {
    for (const [placementKey, value] of Object.entries(await redis.hgetall(keys.opportunityCounts(hour))))
      sums[placementKey] = (sums[placementKey] ?? 0) + Number(value);
  }
  return sums;
}

/** Every day's sample in [fromMs, toMs], parsed as the day ingest will parse it. */
async function samplesBetween(keys: RedisKeys, fromMs: number, toMs: number): Promise<OpportunitySample[]> {
  const samples: OpportunitySample[] = [];
  for (const day of new Set([dayBucket(fromMs, 'UTC'), dayBucket(toMs, 'UTC')])) {
    for (const member of await redis.zrange(keys.opportunitySample(day), 0, -1))
      samples.push(forecast.opportunitySample.parse(JSON.parse(member)));
  }
  return samples;
}

const twoPlacements = (userKey?: string): DecisionRequest => ({
  placements: [
    { divName: 'top', placementKey: 'home-top' },
    { divName: 'side', placementKey: 'home-side', count: 2 },
  ],
  ...(userKey === undefined ? {} : { userKey }),
  keywords: ['Sports', 'sports', 'nba'],
  country: 'FR',
});

test('N decisions over two placements count N per placement in the hour; unknown keys are not counted; the shutdown flushes', async () => {
  const keys = newKeys();
  const { app, rpcUrl } = await startApp(keys);
  const from = Date.now();
  const N = 40;
  for (let at = 0; at < N; at += 1) await decideOk(rpcUrl, twoPlacements(`visitor-${at}-key`));
  await decideOk(rpcUrl, { placements: [{ divName: 'x', placementKey: 'no-such-placement' }] });
  const flushed = await app.opportunities!.flush();
  assert.equal(flushed.ok, true);
  assert.deepEqual(await countsBetween(keys, from, Date.now()), { 'home-top': N, 'home-side': N });
  const samples = await samplesBetween(keys, from, Date.now());
  assert.equal(samples.length, 2 * N, 'every request is in the sample while the day has fewer than k');
  assert.deepEqual(samples[0]!.keywords, ['sports', 'nba'], 'keywords as decided: lower-cased, distinct');
  assert.equal(samples[0]!.country, 'FR');
  const hour = hourBucket(Date.now());
  assert.ok((await redis.ttl(keys.opportunityCounts(hour))) > OPPORTUNITY_KEY_TTL_SECONDS - 60);
  assert.ok((await redis.ttl(keys.opportunitySample(dayBucket(Date.now(), 'UTC')))) > OPPORTUNITY_KEY_TTL_SECONDS - 60);
  const pending = await redis.zrange(keys.opportunityPending, 0, -1, 'WITHSCORES');
  assert.ok(pending.includes(`h:${hour}`) && pending.includes(`d:${dayBucket(Date.now(), 'UTC')}`), pending.join(' '));
  assert.ok(Math.abs(Number(pending[1]) - Date.now()) < 60_000, 'scored with the time of the flush');

  // Requests decided after the last flush reach Redis when the app stops.
  for (let at = 0; at < 3; at += 1) await decideOk(rpcUrl, twoPlacements(`late-${at}-visitor`));
  await app.stop();
  apps.splice(apps.indexOf(app), 1);
  assert.deepEqual(await countsBetween(keys, from, Date.now()), { 'home-top': N + 3, 'home-side': N + 3 });
  const metrics = await app.metrics.registry.getSingleMetricAsString('ads_serving_opportunities_recorded_total');
  assert.match(metrics, new RegExp(`ads_serving_opportunities_recorded_total ${2 * (N + 3)}\\b`));
});

test('consent=false makes every request a new visitor; with consent one user key is one visitor', async () => {
  const keys = newKeys();
  const { app, rpcUrl } = await startApp(keys);
  const from = Date.now();
  const one = { placements: [{ divName: 'top', placementKey: 'home-top' }], userKey: 'the-same-visitor' };
  for (let at = 0; at < 10; at += 1) await decideOk(rpcUrl, { ...one, consent: false });
  for (let at = 0; at < 10; at += 1) await decideOk(rpcUrl, one);
  assert.equal((await app.opportunities!.flush()).ok, true);
  const samples = await samplesBetween(keys, from, Date.now());
  const withConsent = samples.filter((sample) => sample.visitor === visitorHash('the-same-visitor'));
  assert.equal(withConsent.length, 10, 'with consent: the user key hash, ten requests');
  assert.equal(new Set(withConsent.map((sample) => sample.nonce)).size, 10, 'each request its own entry');
  const without = samples.filter((sample) => sample.visitor !== visitorHash('the-same-visitor'));
  assert.equal(new Set(without.map((sample) => sample.visitor)).size, 10, 'without consent: ten different visitors');
});

test('two instances flushing into one day keep exactly the k lowest-priority requests, and learn the threshold', async () => {
  const keys = newKeys();
  const k = 50;
  const recorders = [0, 1].map(() => new OpportunityRecorder({ redis, keys, logger, metrics: undefined, sampleSize: k, flushMs: 60_000 }));
  const known = new Map([['home-top', {}]]);
  const at = Date.parse('2026-03-02T10:00:00Z');
  const visitors: number[] = [];
  for (let round = 0; round < 8; round += 1) {
    for (const [instance, recorder] of recorders.entries()) {
      for (let request = 0; request < 60; request += 1) {
        const userKey = `visitor-${round}-${instance}-${request}`;
        visitors.push(visitorHash(userKey));
        recorder.record(known, { placements: [{ placementKey: 'home-top' }], userKey, consent: true }, [], at + round * 60_000);
      }
      assert.equal((await recorder.flush()).ok, true);
      assert.ok((await redis.zcard(keys.opportunitySample('20260302'))) <= k, 'never more than k');
    }
  }
  assert.equal(new Set(visitors).size, visitors.length, 'distinct priorities (else ties would decide)');
  const lowest = [...visitors].sort((left, right) => left - right).slice(0, k);
  const kept = (await redis.zrange(keys.opportunitySample('20260302'), 0, -1)).map(
    (member) => (JSON.parse(member) as OpportunitySample).visitor,
  );
  assert.deepEqual(kept, lowest);
  assert.deepEqual(await countsBetween(keys, at, at), { 'home-top': visitors.length });
  const dayStart = Date.parse('2026-03-02T00:00:00Z');
  for (const recorder of recorders) assert.ok(recorder.tally.thresholdOf(dayStart) < 1, 'each instance learned the merged threshold');
});

test('Redis away during flushes: counts and samples are kept and written once it is back, nothing lost', async () => {
  const privateRedis = await startPrivateRedis();
  cleanups.push(() => privateRedis.stop());
  const client = openRedis('server', { url: privateRedis.url, name: 'opportunities-test', logger });
  cleanups.push(async () => client.disconnect());
  await waitFor(() => client.status === 'ready', 'the private Redis ready');
  const keys = new RedisKeys('outage:');
  const recorder = new OpportunityRecorder({ redis: client, keys, logger, metrics: undefined, sampleSize: 100, flushMs: 60_000 });
  const known = new Map([
    ['home-top', {}],
    ['home-side', {}],
  ]);
  const at = Date.parse('2026-03-02T10:00:00Z');
  const record = (count: number, from: number) => {
    for (let request = 0; request < count; request += 1)
      recorder.record(
        known,
        { placements: [{ placementKey: 'home-top' }, { placementKey: 'home-side' }], userKey: `visitor-${from + request}`, consent: true },
        [],
        at,
      );
  };
  record(10, 0);
  assert.equal((await recorder.flush()).ok, true);
  await privateRedis.stop();
  await waitFor(() => client.status !== 'ready', 'the client sees Redis gone');
  record(15, 10);
  assert.equal((await recorder.flush()).ok, false);
  record(5, 25);
  assert.equal((await recorder.flush()).ok, false);
  assert.equal(recorder.tally.countersHeld, 2);
  await privateRedis.start();
  await waitFor(() => client.status === 'ready', 'the client reconnected');
  // Redis restarted empty (no persistence): the first 10 requests went with it; the rest were kept.
  assert.equal((await recorder.flush()).ok, true);
  assert.deepEqual(await client.hgetall(keys.opportunityCounts('2026030210')), { 'home-top': '20', 'home-side': '20' });
  assert.equal(await client.zcard(keys.opportunitySample('20260302')), 40);
  assert.deepEqual(await client.zrange(keys.opportunityPending, 0, -1), ['d:20260302', 'h:2026030210']);
});

test('x-ads-replay-at places the recorded opportunity with FORECAST_REPLAY on, is ignored with it off, and a bad value is named', async () => {
  const replayKeys = newKeys();
  const replaying = await startApp(replayKeys, { FORECAST_REPLAY: 'true' });
  const plainKeys = newKeys();
  const plain = await startApp(plainKeys);
  const one = { placements: [{ divName: 'top', placementKey: 'home-top' }], userKey: 'replayed-visitor' };

  for (const header of ['2025-11-03T14:20:00Z', String(Date.parse('2025-11-03T14:40:00.000Z')), '2025-11-03T15:20:00+01:00']) {
    await decideOk(replaying.rpcUrl, one, { 'x-ads-replay-at': header });
    await decideOk(plain.rpcUrl, one, { 'x-ads-replay-at': header });
  }
  assert.equal((await replaying.app.opportunities!.flush()).ok, true);
  assert.equal((await plain.app.opportunities!.flush()).ok, true);
  assert.deepEqual(await redis.hgetall(replayKeys.opportunityCounts('2025110314')), { 'home-top': '3' });
  const replayed = (await redis.zrange(replayKeys.opportunitySample('20251103'), 0, -1)).map(
    (member) => (JSON.parse(member) as OpportunitySample).hour,
  );
  assert.deepEqual(replayed, [14, 14, 14]);
  assert.deepEqual(await redis.hgetall(plainKeys.opportunityCounts('2025110314')), {}, 'without FORECAST_REPLAY the header is ignored');
  assert.equal(await redis.exists(plainKeys.opportunityCounts(hourBucket(Date.now()))), 1, '…and the real clock places it');

  for (const bad of ['yesterday', '2025-11-03', '2025-11-03T14:20:00', '-5', '1e12', '2025-13-45T99:00:00Z']) {
    const refused = await decideRaw(replaying.rpcUrl, one, { 'x-ads-replay-at': bad });
    assert.equal(refused.status, 400, `${bad}: ${JSON.stringify(refused.body)}`);
    assert.equal(refused.body.error?.data.code, 'INVALID_PARAMS');
    assert.deepEqual(
      refused.body.error?.data.issues?.map((issue) => issue.path),
      [['x-ads-replay-at']],
    );
    assert.match(refused.body.error.message, /x-ads-replay-at/);
    await decideOk(plain.rpcUrl, one, { 'x-ads-replay-at': bad });
  }
});
