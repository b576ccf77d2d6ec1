// The shared harness of cross-service tests: a fresh ads-data-api database migrated by the real
// `db:migrate` command, demo data and API keys from the real commands, and ads-data-api itself
// as a real process. It spawns processes only; it never imports service code.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { waitForHttp } from '@ads/test-kit';
import { freePort, runTsCommand, startTsProcess, type RunningProcess } from './processes';

const DATA_API_DIR = 'services/ads-data-api';
/** The local PostgreSQL server every stack database lives on (trust authentication). */
const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
/** Generous: two shared cores, other test files starting processes at the same time. */
const COMMAND_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 60_000;

export type { RunningProcess };

/** A database of one's own; `drop()` removes it (also while connections are open). */
export interface StackDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The role of an API key, as ads-data-api knows them. */
export type StackKeyRole = 'admin' | 'service' | 'advertiser';

/** An ads-data-api process: `url` is its base (REST under `/api/v1`), `rpcUrl` its RPC mount. */
export interface RunningDataApi {
  url: string;
  rpcUrl: string;
  port: number;
  process: RunningProcess;
  stop(): Promise<void>;
}

function databaseUrlOf(name: string): string {
  return `postgresql://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${name}`;
}

/** Runs one SQL command with psql against the server's `postgres` database. */
function psql(sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'psql',
      [
        '-h',
        POSTGRES.host,
        '-p',
        String(POSTGRES.port),
        '-U',
        POSTGRES.user,
        '-d',
        'postgres',
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        sql,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited with ${code} running ${sql}:\n${output}`))));
  });
}

function commandFailure(what: string, result: { code: number | null; stdout: string; stderr: string }): Error {
  return new Error(`${what} exited with ${result.code}:\n${result.stdout}${result.stderr}`);
}

/** The first line of a command's stdout that parses as a JSON object (logs may share stdout). */
function jsonLineOf<T>(stdout: string, what: string): T {
  for (const line of stdout.split('\n')) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      const value = JSON.parse(text) as Record<string, unknown>;
      // pino log lines carry "level"; the command's own answer does not.
      if (!('level' in value && 'msg' in value)) return value as T;
    } catch {
      // not JSON: a log line or a human message
    }
  }
  throw new Error(`${what} printed no JSON answer:\n${stdout}`);
}

/**
 * Creates `ads_stack_<random>` and migrates it with the real `npm run db:migrate` command of
 * ads-data-api (it creates the database itself; about a second). `drop()` removes it, forcing
 * out any connection a test left open; call it in `after()`.
 */
export async function createStackDatabase(): Promise<StackDatabase> {
  const name = `ads_stack_${randomBytes(6).toString('hex')}`;
  const url = databaseUrlOf(name);
  const drop = () => psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  const result = await runTsCommand(DATA_API_DIR, 'src/cli/migrate.ts', [], { DATABASE_URL: url }, COMMAND_TIMEOUT_MS);
  if (result.code !== 0) {
    await drop().catch(() => undefined);
    throw commandFailure('ads-data-api db:migrate', result);
  }
  return { name, url, drop };
}

/** What `db:seed --json` created: the demo inventory and three keys. */
export interface StackSeed {
  adminKey: string;
  serviceKey: string;
  /** Feed imports write with it (service keys may not). */
  importerKey: string;
  counts: Record<string, number>;
}

/**
 * Fills a stack database with the demo inventory (`npm run db:seed -- --json`: 5 advertisers,
 * 30 campaigns of which 20 live, 300 ads, 3 sites, 8 placements, 5 feature switches) and
 * returns the secrets of its admin, service and importer keys. `env` adds variables of the
 * command's (DEMO_CREATIVES_BASE_URL: where the ads' images are).
 */
export async function seedStackDatabase(url: string, env: Record<string, string> = {}): Promise<StackSeed> {
  const result = await runTsCommand(DATA_API_DIR, 'src/cli/seed.ts', ['--json'], { ...env, DATABASE_URL: url }, COMMAND_TIMEOUT_MS);
  if (result.code !== 0) throw commandFailure('ads-data-api db:seed --json', result);
  const seed = jsonLineOf<StackSeed>(result.stdout, 'ads-data-api db:seed --json');
  return { adminKey: seed.adminKey, serviceKey: seed.serviceKey, importerKey: seed.importerKey, counts: seed.counts };
}

/**
 * Creates an API key with `npm run keys:create` and returns its secret. An advertiser key needs
 * `advertiserId` (an existing advertiser's id); other roles must not have one.
 */
export async function createApiKey(url: string, role: StackKeyRole, options: { name: string; advertiserId?: string }): Promise<string> {
  const args = ['--role', role, '--name', options.name, '--json'];
  if (options.advertiserId !== undefined) args.push('--advertiser', options.advertiserId);
  const result = await runTsCommand(DATA_API_DIR, 'src/cli/create-key.ts', args, { DATABASE_URL: url }, COMMAND_TIMEOUT_MS);
  if (result.code !== 0) throw commandFailure('ads-data-api keys:create', result);
  return jsonLineOf<{ secret: string }>(result.stdout, 'ads-data-api keys:create').secret;
}

/**
 * Starts ads-data-api (`node --import tsx src/main.ts`) on `port` (a free one by default)
 * against `databaseUrl`, with Redis keys and channels under `redisKeyPrefix`, and waits until
 * `/readyz` answers. `stop()` sends SIGTERM (SIGKILL after 5 s) and waits for the exit.
 */
export async function startDataApi(options: {
  databaseUrl: string;
  redisKeyPrefix: string;
  port?: number;
  redisUrl?: string;
  env?: Record<string, string>;
}): Promise<RunningDataApi> {
  const port = options.port ?? (await freePort());
  const process = startTsProcess('ads-data-api', DATA_API_DIR, 'src/main.ts', [], {
    ...options.env,
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: options.redisKeyPrefix,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/readyz`, { watch: process, timeoutMs: READY_TIMEOUT_MS });
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { url, rpcUrl: `${url}/rpc`, port, process, stop: () => process.stop().then(() => undefined) };
}
