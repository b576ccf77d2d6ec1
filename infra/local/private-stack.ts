// The whole local stack (`infra/local/start-stack.ts`, what `npm start` runs) on ports, a Redis
// prefix, a state directory and a PostgreSQL database of its own, for the scripts that measure
// the platform end to end (the soak, the forecast accuracy replay). `stop()` stops it and
// removes all it made: the database, its Redis keys and its state directory.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What the launcher's `STACK_READY` line says (the parts the scripts read). */
export interface StackReady {
  urls: { serving: string; dataApi: string };
  /** Each serving instance's own address (behind HAProxy). */
  servingInstances: string[];
  keys: { adminKey: string };
  pids: Record<string, number>;
}

export interface PrivateStack {
  runId: string;
  databaseName: string;
  /** The database's URL, for reading what the roll-up stored. */
  databaseUrl: string;
  redisKeyPrefix: string;
  portBase: number;
  /** Resolves once the stack is ready; rejects if it exits first or is not ready in 4 minutes. */
  ready: Promise<StackReady>;
  stop(): Promise<void>;
}

/**
 * Starts the stack with `env` added to its environment (and so to every service's). `name`
 * goes into the database name, the Redis prefix and the state directory.
 */
export function startPrivateStack(name: string, env: Record<string, string> = {}): PrivateStack {
  const runId = randomBytes(4).toString('hex');
  const databaseName = `ads_${name}_${runId}`;
  const postgresUrl = process.env.STACK_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const databaseUrl = Object.assign(new URL(postgresUrl), { pathname: `/${databaseName}` }).toString();
  const stateDir = join(tmpdir(), `ads-${name}-${runId}`);
  const redisKeyPrefix = `${name}:${runId}:`;
  const portBase = 20_000 + Math.floor(Math.random() * 30_000);

  // The launcher migrates and seeds the empty database itself.
  const stack = spawn(process.execPath, ['--conditions=@ads/source', '--import', 'tsx', 'infra/local/start-stack.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      STACK_STATE_DIR: stateDir,
      STACK_PORT_BASE: String(portBase),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const started = new Promise<StackReady>((resolveReady, rejectReady) => {
    createInterface({ input: stack.stdout }).on('line', (line) => {
      output = (output + line + '\n').slice(-20_000);
      if (line.startsWith('STACK_READY ')) resolveReady(JSON.parse(line.slice('STACK_READY '.length)) as StackReady);
    });
    stack.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    stack.once('exit', (code) => rejectReady(new Error(`the stack exited (${code}) before it was ready:\n${output}`)));
  });
  const ready = Promise.race([
    started,
    delay(240_000).then(() => Promise.reject(new Error(`the stack was not ready in 4 minutes:\n${output}`))),
  ]);
  // A caller that fails before awaiting `ready` must not crash on its rejection.
  ready.catch(() => undefined);

  async function stop(): Promise<void> {
    if (stack.exitCode === null && stack.signalCode === null) {
      const exited = new Promise((done) => stack.once('exit', done));
      stack.kill('SIGTERM');
      await Promise.race([exited, delay(20_000)]);
      if (stack.exitCode === null && stack.signalCode === null) process.kill(-stack.pid!, 'SIGKILL');
    }
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.end();
    // The stack leaves its keys (replay markers, the stream, the index): the prefix is the run's own.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
    for await (const keys of redis.scanStream({ match: `${redisKeyPrefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
    redis.disconnect();
    rmSync(stateDir, { recursive: true, force: true });
  }

  return { runId, databaseName, databaseUrl, redisKeyPrefix, portBase, ready, stop };
}

/**
 * Runs a script's `main` against the stack and always stops the stack afterwards (also on
 * Ctrl-C or SIGTERM); a failure is printed with `say` and makes the exit code 1.
 */
export function runAgainstStack(stack: PrivateStack, main: () => Promise<void>, say: (line: string) => void, cleanup: () => void): void {
  const stopOnSignal = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  main()
    .catch((error: unknown) => {
      say(`failed: ${(error as Error).message}`);
      process.exitCode = 1;
    })
    .finally(() => {
      cleanup();
      void stack.stop().catch((error: unknown) => say(`cleaning up failed: ${(error as Error).message}`));
    });
}
