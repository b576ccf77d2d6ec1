// Helpers of the serving-path tests: ads-serving-rpc instances and cache-warming runs as real
// processes and small clients for decide and the beacons. Processes only; no service code is imported.
import { randomBytes } from 'node:crypto';
import type { ServingIndex, ServingIndexCampaign } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { waitForHttp } from '@ads/test-kit';
import { freePort, runTsCommand, startTsProcess, type RunningProcess } from './processes';

const SERVING_DIR = 'services/ads-serving-rpc';
const CACHE_WARMING_DIR = 'services/cache-warming';
/** The tracking secret every test instance signs with (a second instance verifies the first's URLs). */
export const TEST_TRACKING_SECRET = 'serving-path-tests-tracking-secret-0123456789';

/** A unique Redis key prefix for one test file: `test:serving:<random>:`. */
export function testPrefix(): string {
  return `test:serving:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under a prefix (call it in `after`). */
export async function deleteKeys(prefix: string, redisUrl = 'redis://127.0.0.1:6379'): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // A private Redis may be gone already: nothing to clean there.
  } finally {
    redis.disconnect();
  }
}

export interface RunningServing {
  url: string;
  rpcUrl: string;
  port: number;
  process: RunningProcess;
  stop(): Promise<void>;
}

/**
 * Starts ads-serving-rpc (`node --import tsx src/main.ts`) and waits until it listens; with
 * `waitReady` (default) also until `/readyz` says an index is loaded.
 */
export async function startServing(options: {
  redisKeyPrefix: string;
  redisUrl?: string;
  port?: number;
  env?: Record<string, string>;
  waitReady?: boolean;
}): Promise<RunningServing> {
  const port = options.port ?? (await freePort());
  const process = startTsProcess('ads-serving-rpc', SERVING_DIR, 'src/main.ts', [], {
    TRACKING_SECRET: TEST_TRACKING_SECRET,
    // Short refreshes keep the tests quick; the defaults are for production.
    PACING_REFRESH_MS: '300',
    INDEX_POLL_MS: '500',
    // Holds and leases wait this long for Redis: a busy test machine must not make ads sit out.
    REDIS_READ_TIMEOUT_MS: '1000',
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: options.redisUrl ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: options.redisKeyPrefix,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, { watch: process, timeoutMs: 60_000 });
    if (options.waitReady ?? true)
      await waitForHttp(`${url}/readyz`, { watch: process, timeoutMs: 60_000, accept: (status) => status === 200 });
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { url, rpcUrl: `${url}/rpc`, port, process, stop: () => process.stop().then(() => undefined) };
}

/** What `cache-warming run --json` printed, and how it ended. */
export interface CacheWarmingRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary:
    | {
        version: string;
        key: string;
        outcome: string;
        previous: string | null;
        counts: Record<string, number>;
        placements: { key: string }[];
      }
    | undefined;
}

/** Runs `cache-warming run --json [...args]` to completion. */
export async function runCacheWarming(options: {
  dataApiUrls: string[];
  serviceKey: string;
  redisKeyPrefix: string;
  redisUrl?: string;
  args?: string[];
  env?: Record<string, string>;
}): Promise<CacheWarmingRun> {
  const result = await runTsCommand(
    CACHE_WARMING_DIR,
    'src/main.ts',
    ['run', '--json', ...(options.args ?? [])],
    {
      ...options.env,
      DATA_API_URLS: options.dataApiUrls.join(','),
      DATA_API_TOKEN: options.serviceKey,
      DATA_API_TIMEOUT_MS: '5000',
      REDIS_URL: options.redisUrl ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: options.redisKeyPrefix,
    },
    120_000,
  );
  const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('{"runId"'));
  return { ...result, summary: line === undefined ? undefined : JSON.parse(line) };
}

export interface DecidedAd {
  adId: string;
  campaignId: string;
  advertiserId: string;
  format: string;
  contents: { title: string; body: string; imageUrl: string | null };
  /** `<serving>/t/<token>`: the beacons are this plus /i, /v, /c (`beaconUrl` of @ads/ads-client). */
  trackingUrl: string;
}

/** The signed token of a decided ad's tracking URL (`<serving>/t/<token>`). */
export function tokenOf(trackingUrl: string): string {
  return trackingUrl.slice(trackingUrl.lastIndexOf('/') + 1);
}

export interface Decision {
  decisionId: string;
  userKey: string;
  decisions: Record<string, DecidedAd[]>;
  warnings?: { divName: string; placementKey: string; code: string; message: string }[];
}

/** Calls `serving.decide` over plain HTTP (as the embed does) and returns the status and body. */
export async function decideRaw(
  rpcUrl: string,
  params: unknown,
): Promise<{
  status: number;
  body: { result?: Decision; error?: { message: string; data: { code: string; issues?: { path: (string | number)[] }[] } } };
}> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'serving.decide', params }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** `serving.decide` that must succeed. */
export async function decide(rpcUrl: string, params: unknown): Promise<Decision> {
  const { status, body } = await decideRaw(rpcUrl, params);
  if (status !== 200 || body.result === undefined) throw new Error(`decide answered ${status}: ${JSON.stringify(body)}`);
  return body.result;
}

/** Fires a beacon without following redirects: status, `x-ads-event` and `location`. */
export async function beacon(url: string): Promise<{ status: number; event: string | null; location: string | null }> {
  const response = await fetch(url, { redirect: 'manual' });
  await response.arrayBuffer();
  return { status: response.status, event: response.headers.get('x-ads-event'), location: response.headers.get('location') };
}

/**
 * A campaign of an index that serves all day (no day-parting, in flight, not house), one of
 * the placements it runs on, and decide params its targeting admits (slot "slot", count 3).
 */
export function requestServedBy(index: ServingIndex): {
  campaign: ServingIndexCampaign;
  placementKey: string;
  params: Record<string, unknown>;
} {
  const now = Date.now();
  let ordinal = 0;
  for (const campaign of index.campaigns) {
    const first = ordinal;
    ordinal += campaign.ads.length;
    const { targeting } = campaign;
    if (targeting.hours.length > 0 || targeting.weekdays.length > 0 || campaign.priority === 'house') continue;
    if (Date.parse(campaign.flightStart) > now || Date.parse(campaign.flightEnd) <= now) continue;
    const ordinals = campaign.ads.map((_, at) => first + at);
    const placement = index.placements.find((candidate) =>
      ordinals.some((adOrdinal) => candidate.candidates[campaign.priority].includes(adOrdinal)),
    );
    if (placement === undefined) continue;
    return {
      campaign,
      placementKey: placement.key,
      params: {
        placements: [{ divName: 'slot', placementKey: placement.key, count: 3 }],
        country: targeting.countries[0] ?? 'US',
        device: targeting.devices[0] ?? 'desktop',
        keywords: targeting.keywords,
      },
    };
  }
  throw new Error('the index has no campaign that serves all day');
}

/** One sample of a Prometheus text exposition, or undefined. */
export async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}
