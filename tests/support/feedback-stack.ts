// The feedback loop's test stack: a fresh seeded database behind a real ads-data-api, a
// unique Redis prefix, and the two commands (timeseries-warming, ads-scoring) run as real
// processes against them.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisKeys, createRpcClient, dataApiContract, readInventorySnapshot } from '@ads/ads-client';
import type { DataApiContract, InventorySnapshot, SnapshotCampaign, TypedRpcClient } from '@ads/ads-client';
import { runTsCommand } from './processes';
import { createStackDatabase, seedStackDatabase, startDataApi } from './stack';

export const HOUR_MS = 3_600_000;

export interface FeedbackStack {
  keys: RedisKeys;
  redis: Redis;
  /** Typed data API client with the service key. */
  client: TypedRpcClient<DataApiContract>;
  dataApiRpcUrl: string;
  serviceKey: string;
  databaseUrl: string;
  /** Environment for the warming and scoring commands. */
  commandEnvironment: Record<string, string>;
  snapshot(): Promise<InventorySnapshot>;
  stopDataApi(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a seeded database and ads-data-api, with a Redis prefix of the test's own. */
export async function startFeedbackStack(): Promise<FeedbackStack> {
  const keys = new RedisKeys(`test:${randomUUID()}:`);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const database = await createStackDatabase();
  let dataApi: Awaited<ReturnType<typeof startDataApi>> | undefined;
  try {
    const { serviceKey } = await seedStackDatabase(database.url);
    dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: keys.prefix });
    const client = createRpcClient(dataApiContract, { urls: [dataApi.rpcUrl], token: serviceKey, timeoutMs: 30_000 });
    const started = dataApi;
    let apiStopped = false;
    const stopDataApi = async () => {
      if (apiStopped) return;
      apiStopped = true;
      await started.stop();
    };
    return {
      keys,
      redis,
      client,
      dataApiRpcUrl: dataApi.rpcUrl,
      serviceKey,
      databaseUrl: database.url,
      commandEnvironment: {
        DATA_API_URLS: dataApi.rpcUrl,
        DATA_API_TOKEN: serviceKey,
        REDIS_KEY_PREFIX: keys.prefix,
        DATA_API_TIMEOUT_MS: '20000',
      },
      snapshot: () => readInventorySnapshot(client),
      stopDataApi,
      stop: async () => {
        await client.$close();
        await stopDataApi();
        await database.drop();
        await deleteKeys(redis, keys);
        redis.disconnect();
      },
    };
  } catch (error) {
    await dataApi?.stop();
    await database.drop();
    redis.disconnect();
    throw error;
  }
}

async function deleteKeys(redis: Redis, keys: RedisKeys): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${keys.prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== '0');
}

/** One hourly stats row for `stats.ingest`. */
export function statsRow(
  adId: string,
  hourMs: number,
  counts: { impressions: number; clicks: number; spendMicros: number; viewableImpressions?: number },
) {
  return {
    adId,
    hour: new Date(Math.floor(hourMs / HOUR_MS) * HOUR_MS).toISOString(),
    impressions: counts.impressions,
    viewableImpressions: counts.viewableImpressions ?? Math.floor(counts.impressions * 0.7),
    clicks: counts.clicks,
    spendMicros: counts.spendMicros,
  };
}

/** Runs a command of a package (`src/main.ts`) and parses its --json answer. */
export async function runJsonCommand<T>(packageDir: string, args: string[], env: Record<string, string>): Promise<T> {
  const result = await runTsCommand(packageDir, 'src/main.ts', args, env);
  if (result.code !== 0) throw new Error(`${packageDir} ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  return JSON.parse(result.stdout) as T;
}

export const runWarming = (stack: FeedbackStack, args: string[] = []) =>
  runTsCommand('services/timeseries-warming', 'src/main.ts', ['run', ...args], stack.commandEnvironment);
export const runScoring = (stack: FeedbackStack, args: string[] = []) =>
  runTsCommand('services/ads-scoring', 'src/main.ts', ['run', ...args], stack.commandEnvironment);

/** A campaign of the snapshot that has at least `ads` ads and matches `accept`; fails the test if none. */
export function pickCampaign(
  snapshot: InventorySnapshot,
  ads: number,
  accept: (campaign: SnapshotCampaign) => boolean = () => true,
): SnapshotCampaign {
  const campaign = snapshot.campaigns.find((candidate) => candidate.ads.length >= ads && accept(candidate));
  if (campaign === undefined) throw new Error(`the seeded inventory has no campaign with ${ads} ads that fits the test`);
  return campaign;
}
