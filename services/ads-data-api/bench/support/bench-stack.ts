// What both benchmarks need: a dedicated database migrated by the real migration path, filled
// with bulk SQL and dropped at the end, and ads-data-api running as its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { freePort } from '@ads/test-kit';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';

import { createLogger } from '@ads/ads-client/service';
import { loadConfig } from '../../src/config';
import { poolConfigOf, withDatabaseName } from '../../src/store/database-url';
import { applyPendingMigrations } from '../../src/store/migrator';

const config = loadConfig();

/** The logger the benchmarks hand to the package's parts: warnings and errors on stderr. */
export const benchLogger = createLogger({ service: 'ads-data-api-bench', level: 'warn', kind: 'command' });

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface BenchDatabase {
  name: string;
  url: string;
  /** A plain pg client on the database, for bulk SQL and baselines. */
  sql: pg.Client;
  drop(): Promise<void>;
}

/** Creates and migrates `ads_bench_<label>_<random>`; `drop()` closes the client and removes it. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `ads_bench_${label}_${randomBytes(4).toString('hex')}`;
  const url = withDatabaseName(config.databaseUrl, name);
  await applyPendingMigrations(url, { logger: benchLogger });
  const sql = new pg.Client(poolConfigOf(url));
  await sql.connect();
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end().catch(() => undefined);
      const server = new pg.Client(poolConfigOf(withDatabaseName(config.databaseUrl, 'postgres')));
      await server.connect();
      try {
        await server.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await server.end();
      }
    },
  };
}

export interface BenchServer {
  rpcUrl: string;
  stop(): Promise<void>;
}

/** Starts `src/main.ts` against the database, as production runs it, and waits for `/readyz`. */
export async function startBenchServer(databaseUrl: string): Promise<BenchServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@ads/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: packageRoot,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('ads-data-api exited before it was ready');
    const ready = await fetch(`${base}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('ads-data-api was not ready within 60 s');
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  return {
    rpcUrl: `${base}/rpc`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs `work` `runs` times and returns each duration in milliseconds. */
export async function timeRuns(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work();
    durations.push(performance.now() - started);
  }
  return durations;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function formatRate(rowsPerSecond: number): string {
  return `${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s`;
}
