// Roll-up throughput: N tracking events appended to the events stream, then drained by the
// real roll-up (consumer group, decode, aggregate, stats.ingest into ads-data-api and
// PostgreSQL, XACK) and timed. Baseline measured in the same run on the same stream: a bare
// XREADGROUP + XACK loop that does nothing with the entries.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EventsStreamStore, RedisKeys, type TrackingEvent, type RedisClient } from '@ads/ads-client';
import { createLogger, openRedis } from '@ads/ads-client/service';
import { runRollup } from '../src/app/rollup-job';
import { loadConfig } from '../src/config';
import { createDataApiClient } from '../src/store/data-api-client';
import { startBenchStack } from './bench-stack';

const BUDGET_EVENTS_PER_SECOND = 50_000;
const events = Number(process.env.BENCH_EVENTS ?? 200_000);
const adCount = Number(process.env.BENCH_ADS ?? 200);
const hours = 6;

function makeEvents(ads: { adId: string; campaignId: string; advertiserId: string }[]): TrackingEvent[] {
  const firstHour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - hours * 3_600_000;
  return Array.from({ length: events }, (_, index) => {
    const ad = ads[index % ads.length]!;
    const type = index % 10 < 7 ? 'impression' : index % 10 < 9 ? 'viewable' : 'click';
    return {
      type,
      eventId: `bench-${index}`,
      decisionId: `dec-${index}`,
      ...ad,
      placementKey: 'home.top',
      userKey: `user-${(index % 50_000).toString().padStart(8, '0')}`,
      at: firstHour + ((index * 7_919) % (hours * 3_600_000)),
      spendMicros: type === 'impression' ? 1_500 : type === 'click' ? 250_000 : 0,
    } satisfies TrackingEvent;
  });
}

async function rawReadRate(redis: RedisClient, keys: RedisKeys, batchSize: number): Promise<number> {
  const baseline = new EventsStreamStore(redis, keys, 'bench-baseline');
  await baseline.ensureGroup();
  const started = performance.now();
  let read = 0;
  for (;;) {
    const entries = await baseline.readNew('raw', batchSize);
    if (entries.length === 0) break;
    read += entries.length;
    await baseline.acknowledge(entries.map((entry) => entry.id));
  }
  const seconds = (performance.now() - started) / 1000;
  await baseline.destroyGroup();
  return read / seconds;
}

const stack = await startBenchStack();
const keys = new RedisKeys(`bench:${randomUUID()}:`);
const settings = loadConfig({
  ...process.env,
  DATA_API_URLS: stack.rpcUrl,
  DATA_API_TOKEN: stack.serviceKey,
  REDIS_KEY_PREFIX: keys.prefix,
  ROLLUP_MAX_RUN_MS: '600000',
});
const logger = createLogger({ service: 'ads-data-import', level: 'warn', base: { role: 'rollup-bench' }, kind: 'command' });
const redis = openRedis('worker', { url: settings.redisUrl, name: 'ads-data-import:rollup-bench', logger });
const dataApi = createDataApiClient(settings.dataApi);
try {
  const ads = stack.ads.slice(0, adCount);
  console.log(
    `roll-up benchmark: ${events.toLocaleString('en')} events over ${ads.length} ads and ${hours} hours; batch ${settings.rollup.batchSize}, ${settings.rollup.consumers} consumers; host ${hostname()} (shared, noisy)`,
  );
  const generated = makeEvents(ads);
  let started = performance.now();
  await new EventsStreamStore(redis, keys).append(generated);
  console.log(
    `appended in ${((performance.now() - started) / 1000).toFixed(1)} s (${Math.round(events / ((performance.now() - started) / 1000)).toLocaleString('en')} XADD/s, pipelined)`,
  );

  const rawRate = await rawReadRate(redis, keys, settings.rollup.batchSize);
  console.log(`baseline  raw XREADGROUP + XACK, no decoding:   ${Math.round(rawRate).toLocaleString('en')} events/s`);

  started = performance.now();
  const summary = await runRollup({ redis, keys, dataApi, logger, settings: { ...settings.rollup, trimStream: false } });
  const seconds = (performance.now() - started) / 1000;
  const rate = summary.events / seconds;
  console.log(
    `roll-up   stream → ads-data-api → PostgreSQL:  ${Math.round(rate).toLocaleString('en')} events/s (${summary.batches} batches, ${summary.rows.toLocaleString('en')} rows, ${seconds.toFixed(2)} s)`,
  );
  console.log(
    `ratio     roll-up / budget ${BUDGET_EVENTS_PER_SECOND.toLocaleString('en')}/s: ${(rate / BUDGET_EVENTS_PER_SECOND).toFixed(2)}   roll-up / raw read: ${(rate / rawRate).toFixed(2)}`,
  );

  // Exactly once, checked: the database holds every event once.
  const now = Date.now();
  const { series } = await dataApi.stats.query({
    level: 'ad',
    ids: ads.map((ad) => ad.adId),
    from: new Date(now - (hours + 1) * 3_600_000).toISOString(),
    to: new Date(now + 3_600_000).toISOString(),
    granularity: 'day',
  });
  const counted = series.reduce((sum, entry) => sum + entry.totals.impressions + entry.totals.viewableImpressions + entry.totals.clicks, 0);
  console.log(
    `check     events in the database: ${counted.toLocaleString('en')} of ${events.toLocaleString('en')} ${counted === events ? '(exact)' : '(MISMATCH)'}`,
  );
  if (counted !== events) process.exitCode = 1;
} finally {
  await dataApi.$close();
  await redis.del(keys.eventsStream);
  await redis.quit();
  await stack.stop();
}
