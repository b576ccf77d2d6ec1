// Helpers for the cross-service tests of ads-data-import (tests/import-*.test.ts): start its
// worker and scheduler as real processes, run its enqueue command, append tracking events the
// way serving does, and clean a test's Redis keys.
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  EventsStreamStore,
  RedisKeys,
  createRpcClient,
  dataApiContract,
  parseRedisClusterUrl,
  readInventorySnapshot,
  scanKeys,
  seededRng,
} from '@ads/ads-client';
import type { DataApiContract, PendingEntry, RedisClient, TrackingEvent, TypedRpcClient } from '@ads/ads-client';
import { Queue, QueueEvents } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { waitForHttp } from '@ads/test-kit';
import { type RunningProcess, freePort, runTsCommand, startTsProcess } from './processes';
import { createStackDatabase, seedStackDatabase, startDataApi } from './stack';

export const IMPORT_SERVICE_DIR = 'services/ads-data-import';
/** The Redis of these helpers and of the processes they start: a redis+cluster:// URL runs them on a cluster. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test uses. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID()}:`;
}

/** Settings every test process of ads-data-import gets unless the test overrides them. */
export function importEnvironment(redisKeyPrefix: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    // Nothing listens here: a test that needs the data API passes its URL.
    DATA_API_URLS: 'http://127.0.0.1:9/rpc',
    QUEUE_DEPTH_LOG_CRON: '',
    FEED_IMPORT_CRON: '',
    SHUTDOWN_GRACE_MS: '5000',
    ...overrides,
  };
}

/**
 * Feed access for a test that serves feeds from 127.0.0.1 and files from a folder of its own.
 * ads-data-import refuses both by default (FEED_SOURCE_REFUSED: feeds never reach this host or
 * local files unless the operator names them), so the test names them as an operator would.
 */
export function feedAccessEnvironment(localDir: string, allowedHosts = '127.0.0.1'): Record<string, string> {
  return { FEED_ALLOWED_HOSTS: allowedHosts, FEED_LOCAL_DIR: localDir };
}

export interface ImportWorker {
  process: RunningProcess;
  port: number;
  url: string;
}

/** Starts `worker` and waits until its /healthz answers. */
export async function startImportWorker(
  redisKeyPrefix: string,
  overrides: Record<string, string> = {},
  name = 'import-worker',
): Promise<ImportWorker> {
  const port = await freePort();
  const child = startTsProcess(
    name,
    IMPORT_SERVICE_DIR,
    'src/main.ts',
    ['worker'],
    importEnvironment(redisKeyPrefix, { WORKER_PORT: String(port), ...overrides }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, { watch: child, timeoutMs: 60_000 });
  return { process: child, port, url };
}

/** Starts `scheduler` (staying alive) and waits for it to have registered its schedules. */
export async function startImportScheduler(
  redisKeyPrefix: string,
  overrides: Record<string, string> = {},
  name = 'import-scheduler',
): Promise<RunningProcess> {
  const child = startTsProcess(
    name,
    IMPORT_SERVICE_DIR,
    'src/main.ts',
    ['scheduler'],
    importEnvironment(redisKeyPrefix, { LOG_LEVEL: 'info', ...overrides }),
  );
  await child.waitForOutput('job schedulers registered', 'the scheduler to register its job schedulers', 60_000);
  return child;
}

/**
 * Runs `enqueue <args>` to completion. Off a terminal (as here) the job's events are JSON lines
 * on stdout (`{"event":"progress",...}`, then `completed` or `failed`), which the tests read.
 */
export function runEnqueue(redisKeyPrefix: string, args: string[], overrides: Record<string, string> = {}, timeoutMs = 120_000) {
  return runTsCommand(IMPORT_SERVICE_DIR, 'src/main.ts', ['enqueue', ...args], importEnvironment(redisKeyPrefix, overrides), timeoutMs);
}

/** Appends events to the events stream exactly as serving does (the shared encoder). */
export async function appendTrackingEvents(redis: RedisClient, keys: RedisKeys, events: readonly TrackingEvent[]): Promise<string[]> {
  return new EventsStreamStore(redis, keys).append(events);
}

/** Deletes every key under a test's prefix (on every master of a cluster; one DEL per key, as slots differ). */
export async function deleteKeys(redis: RedisClient, prefix: string): Promise<void> {
  for await (const found of scanKeys(redis, `${prefix}*`)) await Promise.all(found.map((key) => redis.del(key)));
}

/** A connection to REDIS_URL: ioredis' Cluster client for a redis+cluster:// URL. */
export function connectTestRedis(): RedisClient {
  const cluster = parseRedisClusterUrl(REDIS_URL);
  if (typeof cluster === 'string') throw new Error(`REDIS_URL ${cluster}`);
  if (cluster === undefined) return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  return new Cluster(cluster.nodes, { redisOptions: { maxRetriesPerRequest: null } });
}

// ─── with ads-data-api ────────────────────────────────────────────────────────────────────────

/** An ad events can be about: what serving would put in a tracking event. */
export interface EventTarget {
  adId: string;
  campaignId: string;
  advertiserId: string;
}

export interface ImportStack {
  prefix: string;
  keys: RedisKeys;
  redis: RedisClient;
  client: TypedRpcClient<DataApiContract>;
  dataApiRpcUrl: string;
  /** The stack's PostgreSQL database, for tests that check rows ads-data-api wrote. */
  databaseUrl: string;
  serviceKey: string;
  /** An admin key (REST reads that only admins may make). */
  adminKey: string;
  /** The importer key feed imports write with (`DATA_API_IMPORT_TOKEN`). */
  importerKey: string;
  /** Live ads of the seeded inventory. */
  ads: EventTarget[];
  /** Environment for ads-data-import processes talking to this stack. */
  environment(overrides?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

/** A migrated, seeded database behind a real ads-data-api, and a Redis prefix of the test's own. */
export async function startImportStack(label: string): Promise<ImportStack> {
  const prefix = uniquePrefix(label);
  const keys = new RedisKeys(prefix);
  const redis = connectTestRedis();
  const database = await createStackDatabase();
  let dataApi: Awaited<ReturnType<typeof startDataApi>> | undefined;
  try {
    const { serviceKey, importerKey, adminKey } = await seedStackDatabase(database.url);
    dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: prefix, redisUrl: REDIS_URL });
    const client = createRpcClient(dataApiContract, { urls: [dataApi.rpcUrl], token: serviceKey, timeoutMs: 60_000 });
    const snapshot = await readInventorySnapshot(client);
    const ads = snapshot.campaigns.flatMap((campaign) =>
      campaign.ads.map((ad) => ({ adId: ad.id, campaignId: campaign.id, advertiserId: campaign.advertiserId })),
    );
    const started = dataApi;
    return {
      prefix,
      keys,
      redis,
      client,
      dataApiRpcUrl: dataApi.rpcUrl,
      databaseUrl: database.url,
      serviceKey,
      adminKey,
      importerKey,
      ads,
      environment: (overrides = {}) =>
        importEnvironment(prefix, {
          DATA_API_URLS: started.rpcUrl,
          DATA_API_TOKEN: serviceKey,
          DATA_API_IMPORT_TOKEN: importerKey,
          DATA_API_TIMEOUT_MS: '60000',
          ...overrides,
        }),
      stop: async () => {
        await client.$close();
        await started.stop();
        await database.drop();
        await deleteKeys(redis, prefix);
        await redis.quit();
      },
    };
  } catch (error) {
    await dataApi?.stop();
    await database.drop();
    await deleteKeys(redis, prefix);
    await redis.quit();
    throw error;
  }
}

/** The `rollup` queue under a key prefix, and the events a test waits for its jobs with. */
export interface RollupQueue {
  queue: Queue;
  queueEvents: QueueEvents;
  /** Adds one roll-up job (no retries) and waits for its summary; fails with the job's error. */
  runJob<Summary = Record<string, number>>(timeoutMs?: number): Promise<Summary>;
  close(): Promise<void>;
}

export async function openRollupQueue(redis: RedisClient, keys: RedisKeys): Promise<RollupQueue> {
  const queue = new Queue('rollup', { connection: redis, prefix: keys.queuePrefix });
  // BullMQ leaves a connection it was given open: this one is closed in close().
  const eventsConnection = redis.duplicate();
  const queueEvents = new QueueEvents('rollup', { connection: eventsConnection, prefix: keys.queuePrefix });
  await queueEvents.waitUntilReady();
  return {
    queue,
    queueEvents,
    runJob: async <Summary>(timeoutMs = 120_000) =>
      (await (await queue.add('rollup', {}, { attempts: 1 })).waitUntilFinished(queueEvents, timeoutMs)) as Summary,
    close: async () => {
      await queueEvents.close();
      await eventsConnection.quit();
      await queue.close();
    },
  };
}

/** The entries of the roll-up group still pending on the events stream: id, consumer, idle ms, deliveries. */
export async function pendingRollupEntries(redis: RedisClient, keys: RedisKeys): Promise<PendingEntry[]> {
  return new EventsStreamStore(redis, keys).pendingEntries();
}

/** An import stack plus the roll-up queue a test enqueues on and the worker processes it started. */
export interface RollupHarness extends RollupQueue {
  stack: ImportStack;
  /** Worker processes started by the test; stopped with the harness. */
  processes: RunningProcess[];
  /** Starts a worker on the stack with these settings; the harness stops it at the end. */
  startWorker(settings: Record<string, string>, name: string): Promise<ImportWorker>;
  stop(): Promise<void>;
}

/** Starts an import stack and connects to its `rollup` queue, as the roll-up tests all need. */
export async function startRollupHarness(label: string): Promise<RollupHarness> {
  const stack = await startImportStack(label);
  const rollupQueue = await openRollupQueue(stack.redis, stack.keys);
  const processes: RunningProcess[] = [];
  return {
    ...rollupQueue,
    stack,
    processes,
    startWorker: async (settings, name) => {
      const worker = await startImportWorker(stack.prefix, stack.environment(settings), name);
      processes.push(worker.process);
      return worker;
    },
    stop: async () => {
      await Promise.all(processes.map((child) => child.stop()));
      await rollupQueue.close();
      await stack.stop();
    },
  };
}

/**
 * The roll-up tests' shared setup: registers `before` and `after` hooks that start the harness
 * and stop it. The returned object is filled in by the time the file's tests run. `started`
 * and `stopping` run right after the start and before the stop (a file's own fixtures).
 */
export function useRollupHarness(
  label: string,
  hooks: { started?: (harness: RollupHarness) => Promise<void>; stopping?: () => Promise<void> } = {},
): RollupHarness {
  const harness = {} as RollupHarness;
  before(async () => {
    Object.assign(harness, await startRollupHarness(label));
    await hooks.started?.(harness);
  });
  after(async () => {
    await hooks.stopping?.();
    await harness.stop?.();
  });
  return harness;
}

/** `count` tracking events over `ads` and the hours starting at `firstHour`, as serving would count them. */
export function generateTrackingEvents(
  ads: readonly EventTarget[],
  count: number,
  options: { firstHour: number; hours: number; seed: number },
): TrackingEvent[] {
  const random = seededRng(options.seed);
  const events: TrackingEvent[] = [];
  for (let index = 0; index < count; index += 1) {
    const ad = ads[Math.floor(random() * ads.length)]!;
    const roll = random();
    const type = roll < 0.7 ? 'impression' : roll < 0.9 ? 'viewable' : 'click';
    events.push({
      type,
      eventId: `${options.seed}-${index}`,
      decisionId: `dec-${options.seed}-${index}`,
      ...ad,
      placementKey: 'home.top',
      userKey: `user-${Math.floor(random() * 1e6)
        .toString()
        .padStart(8, '0')}`,
      at: options.firstHour + Math.floor(random() * options.hours * 3_600_000),
      spendMicros: type === 'impression' ? 1_500 : type === 'click' ? 250_000 : 0,
    });
  }
  return events;
}

export interface HourTotals {
  impressions: number;
  viewableImpressions: number;
  clicks: number;
  spendMicros: number;
}

/** What the events should add up to, per `adId|hourISO`. */
export function expectedTotals(events: readonly TrackingEvent[]): Map<string, HourTotals> {
  const totals = new Map<string, HourTotals>();
  for (const event of events) {
    const hour = new Date(Math.floor(event.at / 3_600_000) * 3_600_000).toISOString();
    const key = `${event.adId}|${hour}`;
    const entry = totals.get(key) ?? { impressions: 0, viewableImpressions: 0, clicks: 0, spendMicros: 0 };
    if (event.type === 'impression') entry.impressions += 1;
    else if (event.type === 'viewable') entry.viewableImpressions += 1;
    else entry.clicks += 1;
    entry.spendMicros += event.spendMicros;
    totals.set(key, entry);
  }
  return totals;
}

/** What the database holds per `adId|hourISO` for these ads over [from, to), read through `stats.query`. */
export async function databaseTotals(
  client: TypedRpcClient<DataApiContract>,
  adIds: readonly string[],
  from: number,
  to: number,
): Promise<Map<string, HourTotals>> {
  const { series } = await client.stats.query({
    level: 'ad',
    ids: [...adIds],
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    granularity: 'hour',
  });
  const totals = new Map<string, HourTotals>();
  for (const entry of series) {
    for (const point of entry.points) {
      if (point.impressions + point.viewableImpressions + point.clicks + point.spendMicros === 0) continue;
      totals.set(`${entry.id}|${new Date(point.bucket).toISOString()}`, {
        impressions: point.impressions,
        viewableImpressions: point.viewableImpressions,
        clicks: point.clicks,
        spendMicros: point.spendMicros,
      });
    }
  }
  return totals;
}

/** Sorted entries, for a readable deepEqual diff. */
export function sortedTotals(totals: Map<string, HourTotals>): [string, HourTotals][] {
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// ─── as a command, for the benchmarks of ads-data-import ──────────────────────────────────────
// `node --experimental-wasm-modules --import tsx tests/support/import-stack.ts` starts a stack,
// prints one JSON line {rpcUrl, serviceKey, importerKey, prefix, ads}, and tears it all down on SIGTERM or
// when its stdin closes. Benchmarks spawn it instead of importing test code.

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolvePath(process.argv[1])).href;
if (invokedDirectly) {
  const stack = await startImportStack('bench');
  process.stdout.write(
    `${JSON.stringify({ rpcUrl: stack.dataApiRpcUrl, serviceKey: stack.serviceKey, importerKey: stack.importerKey, prefix: stack.prefix, ads: stack.ads })}\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}
