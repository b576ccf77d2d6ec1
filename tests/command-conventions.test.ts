// One command-line convention for every command of the platform (README, "How a service is laid
// out"), checked command by command through the real entry points: `--help` prints usage and the
// variables the command reads and runs nothing; an unknown option exits 2 (usage) with a plain
// line and no stack; a missing or wrong variable exits 3 (config) naming it; a dependency that
// does not answer exits 4 (unavailable) naming it and what to check; a wrong key exits 5
// (refused) pointing at the variable and `keys:create`; `--json` prints exactly one JSON
// document on stdout, on success and on failure. Where a command cannot have one of these, the
// table says why and the test is reported as skipped with that reason.
//
// The dependencies are real: a migrated and seeded database of its own, a real ads-data-api on
// it, Redis under a prefix of its own; "does not answer" is a port nothing listens on.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { type CommandResult, freePort, runTsCommand } from '@ads/test-kit';
import { repoRoot } from './support/processes';
import { deleteKeys } from './support/serving-stack';
import { createStackDatabase, startDataApi, type RunningDataApi, type StackDatabase } from './support/stack';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const POSTGRES_SERVER = 'postgresql://postgres@127.0.0.1:5432';
const prefix = `test:command-conventions:${randomBytes(6).toString('hex')}:`;
const scratch = mkdtempSync(join(tmpdir(), 'command-conventions-'));

let database: StackDatabase | undefined;
let dataApi: RunningDataApi | undefined;
/** `db:seed --json` as it ran in before(): its output is the success case of db:seed's --json. */
let seeded: CommandResult | undefined;
let serviceKey = '';
let closedPort = 0;
let sleeper: ChildProcess | undefined;

/** A check of one command, or why the command cannot have it (reported as a skip with the reason). */
type Check = (() => Promise<void>) | string;

interface CommandCase {
  /** As a person types it. */
  name: string;
  /** The package (or the repository root) the entry point runs in. */
  dir: string;
  /** The script and the subcommand. */
  entry: string[];
  /** Arguments the command needs before an unknown option is what is wrong. */
  requiredArgs?: string[];
  /** The variables `--help` must name. */
  reads: string[] | 'every variable of src/config.ts';
  /** Runs `--help` where running the command would leave a trace, and checks it left none. */
  helpRunsNothing: (runHelp: (env: Record<string, string>) => Promise<CommandResult>) => Promise<void>;
  usage?: Check;
  config: Check;
  unavailable: Check;
  refused: Check;
  json: Check;
}

/** Runs a command through its entry point with only PATH and `env` in its environment. */
function run(command: Pick<CommandCase, 'dir' | 'entry'>, args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  return runTsCommand({
    name: [...command.entry, ...args].join(' '),
    cwd: join(repoRoot, command.dir),
    args: [...command.entry, ...args],
    nodeArgs: ['--experimental-wasm-modules'],
    env: { LOG_LEVEL: 'warn', ...env },
    cleanEnv: true,
    // Generous: on the shared 2-core VM under load, a command's start alone has taken 20 s.
    timeoutMs: 180_000,
  });
}

function shown(result: CommandResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout.slice(-3_000)}\n--- stderr\n${result.stderr.slice(-3_000)}`;
}

/** The command failed with `exitCode` and said `pattern` on stderr, without a stack trace. */
function assertPlainFailure(result: CommandResult, exitCode: number, ...patterns: RegExp[]): void {
  assert.equal(result.code, exitCode, shown(result));
  for (const pattern of patterns) assert.match(result.stderr, pattern, shown(result));
  assert.doesNotMatch(result.stderr + result.stdout, /^\s+at .+\(?.+:\d+:\d+\)?$/m, `a stack trace was printed:\n${shown(result)}`);
}

/** The whole of stdout is one JSON document. */
function oneJsonDocument(result: CommandResult): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch (error) {
    assert.fail(`stdout is not exactly one JSON document (${(error as Error).message}):\n${shown(result)}`);
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/** The variables a config.ts schema declares (`NAME: z...` keys). */
function schemaVariables(dir: string): string[] {
  const source = readFileSync(join(repoRoot, dir, 'src/config.ts'), 'utf8');
  return [...new Set([...source.matchAll(/^\s+([A-Z][A-Z0-9_]{2,}): (?:z\.|commonSettings|redisUrlSetting)/gm)].map((match) => match[1]!))];
}

const closedRedis = () => `redis://127.0.0.1:${closedPort}`;
const closedDataApi = () => `http://127.0.0.1:${closedPort}/rpc`;
const closedDatabase = () => `${POSTGRES_SERVER.replace('5432', String(closedPort))}/none`;
/** The environment of a command that reads ads-data-api and writes Redis, against the real ones. */
const dataApiEnv = (overrides: Record<string, string> = {}) => ({
  DATA_API_URLS: dataApi!.rpcUrl,
  DATA_API_TOKEN: serviceKey,
  DATA_API_TIMEOUT_MS: '5000',
  REDIS_URL,
  REDIS_KEY_PREFIX: prefix,
  ...overrides,
});
/** --help of a command that would call a data API and Redis nobody runs: exit 0 shows it called neither. */
const helpWithNothingUp = async (runHelp: (env: Record<string, string>) => Promise<CommandResult>) => {
  const result = await runHelp({ DATA_API_URLS: closedDataApi(), DATA_API_TOKEN: 'unused', REDIS_URL: closedRedis() });
  assert.equal(result.code, 0, shown(result));
};
/** --help of a data API command against a database that does not exist: it must still not exist. */
const helpCreatesNoDatabase = async (runHelp: (env: Record<string, string>) => Promise<CommandResult>) => {
  const name = `ads_help_${randomBytes(5).toString('hex')}`;
  const result = await runHelp({ DATABASE_URL: `${POSTGRES_SERVER}/${name}` });
  assert.equal(result.code, 0, shown(result));
  assert.equal(await databaseExists(name), false, '--help created the database');
};

const DATA_API = 'services/ads-data-api';
const refusedHint = /DATA_API_REFUSED: [\s\S]*check DATA_API_TOKEN[\s\S]*keys:create/;
const dataApiDownHint = /DATA_API_UNAVAILABLE: [\s\S]*check that ads-data-api runs at DATA_API_URLS/;
const redisDownHint = /REDIS_UNAVAILABLE: [\s\S]*REDIS_URL/;

/** A data API command's config and unavailable checks: DATABASE_URL wrong, then PostgreSQL down. */
const databaseChecks = (command: Pick<CommandCase, 'dir' | 'entry'>, args: string[] = []) => ({
  config: async () =>
    assertPlainFailure(await run(command, args, { DATABASE_URL: 'mysql://127.0.0.1/ads' }), 3, /CONFIG_INVALID: .*DATABASE_URL/, /--help/),
  unavailable: async () =>
    assertPlainFailure(
      await run(command, args, { DATABASE_URL: closedDatabase() }),
      4,
      /DATABASE_UNAVAILABLE: PostgreSQL does not answer/,
      /is PostgreSQL running\? DATABASE_URL/,
    ),
});

const migrate = { dir: DATA_API, entry: ['src/cli/migrate.ts'] };
const seed = { dir: DATA_API, entry: ['src/cli/seed.ts'] };
const createKey = { dir: DATA_API, entry: ['src/cli/create-key.ts'] };
const diff = { dir: DATA_API, entry: ['src/cli/diff.ts'] };
const warm = { dir: 'services/cache-warming', entry: ['src/main.ts', 'run'] };
const rollback = { dir: 'services/cache-warming', entry: ['src/main.ts', 'rollback'] };
const timeSeries = { dir: 'services/timeseries-warming', entry: ['src/main.ts', 'run'] };
const scoring = { dir: 'services/ads-scoring', entry: ['src/main.ts', 'run'] };
const enqueue = { dir: 'services/ads-data-import', entry: ['src/main.ts', 'enqueue'] };
const startStack = { dir: '.', entry: ['infra/local/start-stack.ts'] };
const stopStack = { dir: '.', entry: ['infra/local/stop-stack.ts'] };

const NO_KEY = 'it reads PostgreSQL itself with DATABASE_URL: there is no key to refuse';
const SERVER_JSON = 'a server: its output is its JSON log; no --json';

const COMMANDS: CommandCase[] = [
  {
    name: 'ads-data-api db:migrate',
    ...migrate,
    reads: ['DATABASE_URL', 'LOG_LEVEL'],
    helpRunsNothing: helpCreatesNoDatabase,
    ...databaseChecks(migrate),
    refused: NO_KEY,
    json: 'prints the applied migrations for a person; scripts read the exit code (no --json)',
  },
  {
    name: 'ads-data-api db:seed',
    ...seed,
    reads: ['DATABASE_URL', 'LOG_LEVEL', 'DEMO_CREATIVES_BASE_URL'],
    helpRunsNothing: helpCreatesNoDatabase,
    ...databaseChecks(seed),
    // Its own rule: a database that holds data is refused unless --force.
    refused: async () => assertPlainFailure(await run(seed, [], { DATABASE_URL: database!.url }), 5, /SEED_REFUSED: /, /--force/),
    json: async () => {
      const success = oneJsonDocument(seeded!);
      assert.equal(typeof success.serviceKey, 'string');
      const failure = await run(seed, ['--json'], { DATABASE_URL: database!.url });
      assertPlainFailure(failure, 5, /SEED_REFUSED/);
      assert.deepEqual(Object.keys(oneJsonDocument(failure)).sort(), ['code', 'message', 'ok']);
      assert.equal(oneJsonDocument(failure).code, 'SEED_REFUSED');
    },
  },
  {
    name: 'ads-data-api keys:create',
    ...createKey,
    requiredArgs: ['--role', 'service', '--name', 'conventions'],
    reads: ['DATABASE_URL', 'LOG_LEVEL'],
    helpRunsNothing: helpCreatesNoDatabase,
    ...databaseChecks(createKey, ['--role', 'service', '--name', 'conventions']),
    refused: `${NO_KEY}; an advertiser id that does not exist is a usage error (exit 2)`,
    json: async () => {
      const success = await run(createKey, ['--role', 'service', '--name', 'conventions', '--json'], { DATABASE_URL: database!.url });
      assert.equal(success.code, 0, shown(success));
      assert.match(String(oneJsonDocument(success).secret), /^ads_/);
      const failure = await run(createKey, ['--role', 'service', '--name', 'conventions', '--json'], { DATABASE_URL: closedDatabase() });
      assert.equal(failure.code, 4, shown(failure));
      assert.equal(oneJsonDocument(failure).code, 'DATABASE_UNAVAILABLE');
    },
  },
  {
    name: 'ads-data-api db:diff',
    ...diff,
    reads: ['DATABASE_URL', 'LOG_LEVEL'],
    helpRunsNothing: helpCreatesNoDatabase,
    ...databaseChecks(diff, ['--check']),
    refused: NO_KEY,
    json: 'prints migration SQL for a person to review (no --json)',
  },
  {
    name: 'ads-data-api db:generate',
    dir: DATA_API,
    entry: ['src/cli/generate.ts'],
    reads: [],
    helpRunsNothing: async (runHelp) => assert.equal((await runHelp({})).code, 0),
    usage: 'passes every argument on to `prisma generate` (allowUnknownOption), which judges them',
    config: 'reads no variable of its own (offline prisma generate)',
    unavailable: 'offline: it needs neither the database nor Redis',
    refused: 'needs no key',
    json: "prisma generate's own output (no --json)",
  },
  {
    name: 'ads-data-api (server)',
    dir: DATA_API,
    entry: ['src/main.ts'],
    reads: 'every variable of src/config.ts',
    // A server that started would not exit.
    helpRunsNothing: async (runHelp) => assert.equal((await runHelp({ PORT: String(closedPort) })).code, 0),
    config: async () =>
      assertPlainFailure(await run({ dir: DATA_API, entry: ['src/main.ts'] }, [], { PORT: 'abc' }), 3, /CONFIG_INVALID: .*PORT/),
    unavailable:
      'a server with PostgreSQL down answers 503 with Retry-After and keeps running (services/ads-data-api/tests/database-outage.test.ts)',
    refused: 'a server: it refuses requests, not itself',
    json: SERVER_JSON,
  },
  {
    name: 'ads-serving-rpc (server)',
    dir: 'services/ads-serving-rpc',
    entry: ['src/main.ts'],
    reads: 'every variable of src/config.ts',
    helpRunsNothing: async (runHelp) => assert.equal((await runHelp({ PORT: String(closedPort) })).code, 0),
    config: async () =>
      assertPlainFailure(
        await run({ dir: 'services/ads-serving-rpc', entry: ['src/main.ts'] }, [], { TRACKING_SECRET: 'short' }),
        3,
        /CONFIG_INVALID: .*TRACKING_SECRET: must be at least 32 characters; make one with/,
      ),
    unavailable: 'serving keeps answering from its last index while Redis is away, by design (tests/serving-redis-outage.test.ts)',
    refused: 'a server: it refuses requests, not itself',
    json: SERVER_JSON,
  },
  {
    name: 'cache-warming run',
    ...warm,
    reads: ['DATA_API_URLS', 'DATA_API_TOKEN', 'DATA_API_TIMEOUT_MS', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'LOG_LEVEL', 'NODE_ENV'],
    helpRunsNothing: helpWithNothingUp,
    config: async () => assertPlainFailure(await run(warm, []), 3, /CONFIG_INVALID: .*DATA_API_TOKEN: is required/, /--help/),
    unavailable: async () => {
      assertPlainFailure(await run(warm, [], dataApiEnv({ DATA_API_URLS: closedDataApi() })), 4, dataApiDownHint);
      assertPlainFailure(await run(warm, [], dataApiEnv({ REDIS_URL: closedRedis() })), 4, redisDownHint);
    },
    refused: async () => assertPlainFailure(await run(warm, [], dataApiEnv({ DATA_API_TOKEN: 'ads_wrong' })), 5, refusedHint),
    json: async () => {
      const success = await run(warm, ['--dry-run', '--json'], dataApiEnv());
      assert.equal(success.code, 0, shown(success));
      assert.equal(oneJsonDocument(success).ok, true);
      const failure = await run(warm, ['--json'], dataApiEnv({ DATA_API_TOKEN: 'ads_wrong' }));
      assert.equal(failure.code, 5, shown(failure));
      assert.deepEqual({ ok: oneJsonDocument(failure).ok, code: oneJsonDocument(failure).code }, { ok: false, code: 'DATA_API_REFUSED' });
    },
  },
  {
    name: 'cache-warming rollback',
    ...rollback,
    reads: ['REDIS_URL', 'REDIS_KEY_PREFIX'],
    helpRunsNothing: helpWithNothingUp,
    config: async () =>
      assertPlainFailure(await run(rollback, [], { REDIS_URL: 'http://127.0.0.1:6379' }), 3, /CONFIG_INVALID: .*REDIS_URL/, /--help/),
    unavailable: async () => assertPlainFailure(await run(rollback, [], { REDIS_URL: closedRedis() }), 4, redisDownHint),
    refused: 'needs Redis only: no key to refuse (its own rule, nothing to roll back, is exit 5: see --json)',
    json: async () => {
      // Nothing published under a new prefix: its own rule refuses (5), as one JSON document.
      const empty = { REDIS_URL, REDIS_KEY_PREFIX: `${prefix}rollback-empty:` };
      const refused = await run(rollback, ['--json'], empty);
      assertPlainFailure(refused, 5);
      assert.equal(oneJsonDocument(refused).ok, false);
      // Two published versions: the rollback makes the first current again.
      const twice = dataApiEnv({ REDIS_KEY_PREFIX: `${prefix}rollback:` });
      for (let build = 0; build < 2; build += 1) assert.equal((await run(warm, [], twice)).code, 0);
      const success = await run(rollback, ['--json'], twice);
      assert.equal(success.code, 0, shown(success));
      assert.notEqual(oneJsonDocument(success).ok, false);
    },
  },
  {
    name: 'timeseries-warming run',
    ...timeSeries,
    reads: ['DATA_API_URLS', 'DATA_API_TOKEN', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'LOG_LEVEL'],
    helpRunsNothing: helpWithNothingUp,
    config: async () =>
      assertPlainFailure(
        await run(timeSeries, [], dataApiEnv({ DATA_API_URLS: 'ftp://example.com' })),
        3,
        /CONFIG_INVALID: .*DATA_API_URLS/,
      ),
    unavailable: async () => {
      assertPlainFailure(await run(timeSeries, [], dataApiEnv({ DATA_API_URLS: closedDataApi() })), 4, dataApiDownHint);
      assertPlainFailure(await run(timeSeries, [], dataApiEnv({ REDIS_URL: closedRedis() })), 4, redisDownHint);
    },
    refused: async () => assertPlainFailure(await run(timeSeries, [], dataApiEnv({ DATA_API_TOKEN: 'ads_wrong' })), 5, refusedHint),
    json: async () => {
      const success = await run(timeSeries, ['--days', '1', '--json'], dataApiEnv());
      assert.equal(success.code, 0, shown(success));
      oneJsonDocument(success);
      const failure = await run(timeSeries, ['--json'], dataApiEnv({ DATA_API_URLS: closedDataApi() }));
      assert.equal(failure.code, 4, shown(failure));
      assert.equal(oneJsonDocument(failure).code, 'DATA_API_UNAVAILABLE');
    },
  },
  {
    name: 'ads-scoring run',
    ...scoring,
    reads: ['DATA_API_URLS', 'DATA_API_TOKEN', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'LOG_LEVEL'],
    helpRunsNothing: helpWithNothingUp,
    config: async () =>
      assertPlainFailure(await run(scoring, [], dataApiEnv({ DATA_API_TOKEN: '' })), 3, /CONFIG_INVALID: .*DATA_API_TOKEN/, /--help/),
    unavailable: async () => {
      assertPlainFailure(await run(scoring, [], dataApiEnv({ DATA_API_URLS: closedDataApi() })), 4, dataApiDownHint);
      assertPlainFailure(await run(scoring, [], dataApiEnv({ REDIS_URL: closedRedis() })), 4, redisDownHint);
    },
    refused: async () => assertPlainFailure(await run(scoring, [], dataApiEnv({ DATA_API_TOKEN: 'ads_wrong' })), 5, refusedHint),
    json: async () => {
      const success = await run(scoring, ['--dry-run', '--json'], dataApiEnv());
      assert.equal(success.code, 0, shown(success));
      oneJsonDocument(success);
      const failure = await run(scoring, ['--json'], dataApiEnv({ REDIS_URL: closedRedis() }));
      assert.equal(failure.code, 4, shown(failure));
      assert.equal(oneJsonDocument(failure).code, 'REDIS_UNAVAILABLE');
    },
  },
  {
    name: 'ads-data-import worker',
    dir: 'services/ads-data-import',
    entry: ['src/main.ts', 'worker'],
    reads: ['REDIS_URL', 'REDIS_KEY_PREFIX', 'DATA_API_URLS', 'DATA_API_TOKEN', 'DATA_API_IMPORT_TOKEN', 'WORKER_PORT'],
    helpRunsNothing: async (runHelp) =>
      assert.equal((await runHelp({ REDIS_URL: closedRedis(), WORKER_PORT: String(closedPort) })).code, 0),
    config: async () =>
      assertPlainFailure(
        await run({ dir: 'services/ads-data-import', entry: ['src/main.ts', 'worker'] }, [], { WORKER_PORT: 'abc' }),
        3,
        /CONFIG_INVALID: .*WORKER_PORT/,
      ),
    unavailable: 'a worker waits for Redis to come back (the kit retry policy of role worker) instead of exiting',
    refused: 'a refused call fails the job (seen by enqueue), not the worker',
    json: SERVER_JSON,
  },
  {
    name: 'ads-data-import scheduler',
    dir: 'services/ads-data-import',
    entry: ['src/main.ts', 'scheduler'],
    reads: ['REDIS_URL', 'REDIS_KEY_PREFIX', 'ROLLUP_CRON', 'OPPORTUNITY_ROLLUP_CRON', 'FEED_IMPORT_CRON', 'SCHEDULE_TIME_ZONE'],
    helpRunsNothing: async (runHelp) => assert.equal((await runHelp({ REDIS_URL: closedRedis() })).code, 0),
    config: async () =>
      assertPlainFailure(
        await run({ dir: 'services/ads-data-import', entry: ['src/main.ts', 'scheduler'] }, ['--once'], { ROLLUP_CRON: 'every minute' }),
        3,
        /CONFIG_INVALID: .*ROLLUP_CRON/,
      ),
    unavailable: async () =>
      assertPlainFailure(
        await run({ dir: 'services/ads-data-import', entry: ['src/main.ts', 'scheduler'] }, ['--once'], {
          REDIS_URL: closedRedis(),
          REDIS_KEY_PREFIX: prefix,
        }),
        4,
        redisDownHint,
      ),
    refused: 'registers schedules in Redis only: no key to refuse',
    json: 'registers schedules and logs them as JSON lines on stderr (no --json)',
  },
  {
    name: 'ads-data-import enqueue',
    ...enqueue,
    reads: ['REDIS_URL', 'REDIS_KEY_PREFIX', 'DATA_API_URLS', 'DATA_API_TOKEN', 'DATA_API_IMPORT_TOKEN', 'FEED_LOCAL_DIR'],
    helpRunsNothing: async (runHelp) => assert.equal((await runHelp({ REDIS_URL: closedRedis() })).code, 0),
    config: async () =>
      assertPlainFailure(
        await run(enqueue, ['rollup', '--local'], { REDIS_KEY_PREFIX: prefix, FEED_MAX_BYTES: 'lots' }),
        3,
        /CONFIG_INVALID: .*FEED_MAX_BYTES/,
      ),
    unavailable: async () =>
      assertPlainFailure(
        await run(enqueue, ['rollup', '--local'], { REDIS_URL: closedRedis(), REDIS_KEY_PREFIX: prefix }),
        4,
        redisDownHint,
      ),
    refused: async () => {
      const feed = join(scratch, 'one-row.csv');
      writeFileSync(
        feed,
        'advertiser_external_id,advertiser_name,campaign_external_id,campaign_name,flight_start,flight_end,total_budget,daily_budget,bid_type,bid_amount,target_countries,ad_external_id,ad_format,ad_title,ad_click_url,ad_width,ad_height\n' +
          'conv-acme,Acme,conv-c1,Campaign,2026-05-01T00:00:00Z,2026-08-31T00:00:00Z,500000,5000,CPM,250,US,conv-a1,native,Ad,https://acme.example/a1,,\n',
      );
      const result = await run(
        enqueue,
        ['feed-import', '--local', '--source', feed],
        dataApiEnv({ DATA_API_IMPORT_TOKEN: 'ads_wrong', FEED_LOCAL_DIR: scratch }),
      );
      assertPlainFailure(result, 5, /DATA_API_REFUSED/, /DATA_API_IMPORT_TOKEN.*keys:create/);
    },
    // The job's events go to stderr as JSON lines; stdout is the one result document.
    json: async () => {
      const success = await run(enqueue, ['rollup', '--local', '--json'], dataApiEnv());
      assert.equal(success.code, 0, shown(success));
      const document = JSON.parse(success.stdout) as { ok: boolean; job: string; waited: boolean; result: unknown };
      assert.deepEqual([document.ok, document.job, document.waited], [true, 'rollup', true], shown(success));
      assert.match(success.stderr, /^\{"event":"completed"/m, 'the progress events are on stderr');
      const failure = await run(enqueue, ['rollup', '--local', '--json'], dataApiEnv({ REDIS_URL: closedRedis() }));
      assert.equal(failure.code, 4, shown(failure));
      assert.equal((JSON.parse(failure.stdout) as { code: string }).code, 'REDIS_UNAVAILABLE');
    },
  },
  {
    name: 'npm start',
    ...startStack,
    reads: ['DATABASE_URL', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'STACK_PORT_BASE', 'STACK_STATE_DIR', 'TRACKING_SECRET', 'METRICS_TOKEN'],
    helpRunsNothing: async (runHelp) => {
      const stateDir = join(scratch, 'start-help');
      assert.equal((await runHelp({ STACK_STATE_DIR: stateDir, DATABASE_URL: closedDatabase() })).code, 0);
      assert.equal(existsSync(stateDir), false, 'npm start --help made its state directory (secrets, pid file)');
    },
    config: async () =>
      assertPlainFailure(
        await run(startStack, [], { STACK_PORT_BASE: '80', STACK_STATE_DIR: join(scratch, 'start-config') }),
        3,
        /STACK_PORT_BASE must be a whole number from 1024 to 65000, got "80"/,
      ),
    unavailable: async () => {
      const stateDir = join(scratch, 'start-unavailable');
      const result = await run(startStack, [], { STACK_STATE_DIR: stateDir, DATABASE_URL: closedDatabase() });
      assert.equal(result.code, 4, shown(result));
      assert.match(result.stdout, /PostgreSQL does not answer at 127\.0\.0\.1:\d+\. Start it .* or set DATABASE_URL/);
      assert.equal(existsSync(join(stateDir, 'stack.pid')), false, 'a stack that did not start leaves no pid file for npm stop');
    },
    refused: 'it creates its own keys (keys.json); nothing to refuse',
    json: 'prints the URLs for a person and one STACK_READY {json} line for scripts (no --json)',
  },
  {
    name: 'npm stop',
    ...stopStack,
    reads: ['STACK_STATE_DIR'],
    // A pid file naming a live process of this test: --help must neither signal it nor remove the file.
    helpRunsNothing: async (runHelp) => {
      const stateDir = mkdtempSync(join(scratch, 'stop-help-'));
      writeFileSync(join(stateDir, 'stack.pid'), `${sleeper!.pid}\n`);
      assert.equal((await runHelp({ STACK_STATE_DIR: stateDir })).code, 0);
      assert.equal(sleeper!.exitCode ?? sleeper!.signalCode, null, 'npm stop --help signalled the recorded pid');
      assert.ok(existsSync(join(stateDir, 'stack.pid')), 'npm stop --help removed the pid file');
    },
    config: 'reads only STACK_STATE_DIR, any path: no stack recorded there is "no local stack is running" (exit 0)',
    unavailable: 'depends on nothing but the pid file',
    refused: 'nothing to refuse',
    json: 'one line for a person (no --json)',
  },
];

before(async () => {
  closedPort = await freePort();
  sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  database = await createStackDatabase();
  seeded = await run(seed, ['--json'], { DATABASE_URL: database.url });
  assert.equal(seeded.code, 0, shown(seeded));
  serviceKey = String(oneJsonDocument(seeded).serviceKey);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: prefix });
});

after(async () => {
  sleeper?.kill('SIGKILL');
  await dataApi?.stop();
  await database?.drop();
  await deleteKeys(prefix, REDIS_URL);
  rmSync(scratch, { recursive: true, force: true });
});

const CHECK_TITLES = {
  usage: 'an unknown option exits 2 (usage) with a plain line and no stack',
  config: 'a missing or wrong variable exits 3 (config) naming it',
  unavailable: 'a dependency that does not answer exits 4 (unavailable) naming it and what to check',
  refused: 'a wrong key exits 5 (refused) pointing at the variable and keys:create',
  json: '--json prints exactly one JSON document on stdout, on success and on failure',
} as const;

describe('the command-line convention of every command', { concurrency: 4 }, () => {
  test('the table has every command of every package script and src/cli entry', () => {
    const entries = new Set(COMMANDS.map((command) => `${command.dir}/${command.entry[0]!}`));
    for (const dir of [
      'services/ads-data-api',
      'services/ads-data-import',
      'services/ads-scoring',
      'services/cache-warming',
      'services/timeseries-warming',
      'services/ads-serving-rpc',
    ]) {
      const scripts = (JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
        .scripts;
      for (const [script, line] of Object.entries(scripts)) {
        const entry = / (src\/[\w/-]+\.ts)/.exec(line)?.[1];
        if (entry !== undefined) assert.ok(entries.has(`${dir}/${entry}`), `npm run ${script} (${dir}/${entry}) is not in the table`);
      }
    }
    for (const script of ['infra/local/start-stack.ts', 'infra/local/stop-stack.ts']) assert.ok(entries.has(`./${script}`), script);
  });

  for (const command of COMMANDS) {
    test(`${command.name} --help prints usage and the variables it reads, and runs nothing`, async () => {
      let printed: CommandResult | undefined;
      await command.helpRunsNothing(async (env) => (printed = await run(command, ['--help'], env)));
      assert.ok(printed !== undefined);
      assert.match(printed.stdout, /^Usage: /m, shown(printed));
      assert.equal(printed.stderr, '', shown(printed));
      const reads = command.reads === 'every variable of src/config.ts' ? schemaVariables(command.dir) : command.reads;
      if (command.reads === 'every variable of src/config.ts')
        assert.ok(reads.length >= 5, `variables found in ${command.dir}/src/config.ts`);
      for (const variable of reads) assert.match(printed.stdout, new RegExp(`\\b${variable}\\b`), `--help does not name ${variable}`);
    });
    const usage: Check =
      command.usage ??
      (async () => {
        const result = await run(command, [...(command.requiredArgs ?? []), '--no-such-option']);
        assertPlainFailure(result, 2);
        assert.match(result.stderr.split('\n')[0]!, /unknown option '--no-such-option'/i, shown(result));
      });
    for (const [kind, check] of Object.entries({
      usage,
      config: command.config,
      unavailable: command.unavailable,
      refused: command.refused,
      json: command.json,
    })) {
      const title = `${command.name}: ${CHECK_TITLES[kind as keyof typeof CHECK_TITLES]}`;
      if (typeof check === 'string') test(title, { skip: `not applicable: ${check}` }, () => undefined);
      else test(title, check);
    }
  }
});
