// SERVING_WORKERS benchmark: the production build with 1 worker (one plain process) and with 2
// (a primary and two workers on one port), the same synthetic inventory, measured in the same
// run in interleaved rounds.
//
//   closed loop (wrk, as fast as it goes): requests/s, p50, p99, and the ratio of 2 workers to 1
//   paced at half the 1-worker throughput: p50 and p99 of each
//   RSS of every process (the primary and each worker) after the runs
//
// wrk runs on the same cores as the servers: on a 2-core machine it takes a good share of one,
// so 2 workers cannot double the throughput here; on a machine with cores to spare for the
// load generator (or with the load from elsewhere) the ratio is the one to expect per core.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism } from 'node:os';
import { RedisKeys, ServingIndexStore } from '@ads/ads-client';
import { ensureWrk, runWrk, type WrkResult } from '@ads/bench-kit';
import { Redis } from 'ioredis';
import { syntheticInventory, syntheticRequests } from './synthetic-inventory';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SIZE = Number(process.env.BENCH_SIZE ?? 10_000);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const serviceDir = new URL('..', import.meta.url).pathname;
const bodies = syntheticRequests(500);

interface Target {
  workers: number;
  url: string;
  child: ChildProcess;
}

// A new connection per probe, so that the primary deals it to the next worker.
function readyzBy(port: number): Promise<{ status: number; worker: string }> {
  return new Promise((resolve, reject) => {
    const probe = request({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (response) => {
      response.resume();
      resolve({ status: response.statusCode!, worker: String(response.headers['x-serving-worker'] ?? 'single') });
    });
    probe.on('error', reject);
    probe.end();
  });
}

async function start(workers: number, port: number, prefix: string): Promise<Target> {
  const child = spawn(process.execPath, ['--max-semi-space-size=8', '--enable-source-maps', 'dist/main.mjs'], {
    cwd: serviceDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      TRACKING_SECRET: randomUUID() + randomUUID(),
      SERVING_WORKERS: String(workers),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // Ready when `workers` different processes have answered /readyz 200.
  const ready = new Set<string>();
  const deadline = Date.now() + 120_000;
  while (ready.size < workers) {
    if (child.exitCode !== null) throw new Error(`serving (${workers} workers) exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`serving (${workers} workers) not ready in 120 s`);
    const answer = await readyzBy(port).catch(() => undefined);
    if (answer?.status === 200) ready.add(answer.worker);
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { workers, url: `http://127.0.0.1:${port}/rpc`, child };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function processesOf(target: Target): { role: string; pid: number }[] {
  const pid = target.child.pid!;
  if (target.workers === 1) return [{ role: 'process', pid }];
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
  return [{ role: 'primary', pid }, ...children.map((child, at) => ({ role: `worker ${at + 1}`, pid: child }))];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

ensureWrk();
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: serviceDir, stdio: 'inherit' });
const redis = new Redis(REDIS_URL);
const prefix = `bench:${randomUUID()}:`;
const targets: Target[] = [];
try {
  const store = new ServingIndexStore(redis, new RedisKeys(prefix));
  const parts = syntheticInventory(SIZE, `bench-workers-${SIZE}`);
  await store.write(parts);
  await store.publish(parts.version);
  let port = 18_950;
  for (const workers of WORKERS) targets.push(await start(workers, port++, prefix));

  const samples = targets.map(() => [] as WrkResult[]);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [at, target] of targets.entries()) {
      runWrk({ url: target.url, contentType: 'application/json', bodies, seconds: 1, connections: CONNECTIONS });
      samples[at]!.push(runWrk({ url: target.url, contentType: 'application/json', bodies, seconds: SECONDS, connections: CONNECTIONS }));
      console.error(`round ${round + 1}: ${target.workers} worker(s): ${Math.round(samples[at]!.at(-1)!.requestsPerSecond)} req/s`);
    }
  }
  const closed = samples.map((runs) => ({
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
  }));
  const halfLoad = Math.round(closed[0]!.requestsPerSecond / 2);
  const pacedConnections = 16;
  const rated = targets.map((target) =>
    runWrk({
      url: target.url,
      contentType: 'application/json',
      bodies,
      seconds: SECONDS,
      connections: pacedConnections,
      delayMs: (pacedConnections * 1000) / halfLoad,
    }),
  );

  console.log(
    `\nSERVING_WORKERS benchmark: ${SIZE.toLocaleString('en-US')} ads, wrk 1 thread, ${CONNECTIONS} connections, ${SECONDS}s per case, median of ${ROUNDS} interleaved rounds; ${availableParallelism()} cores shared with wrk; node ${process.version}\n`,
  );
  console.log('| SERVING_WORKERS | requests/s | p50 ms | p99 ms | vs 1 worker | errors | paced req/s | paced p50 ms | paced p99 ms |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  targets.forEach((target, at) => {
    const [result, pacedResult] = [closed[at]!, rated[at]!];
    console.log(
      `| ${target.workers} | ${Math.round(result.requestsPerSecond)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} | ${((result.requestsPerSecond / closed[0]!.requestsPerSecond) * 100).toFixed(0)}% | ${result.errors} | ${Math.round(pacedResult.requestsPerSecond)} | ${pacedResult.p50Ms.toFixed(2)} | ${pacedResult.p99Ms.toFixed(2)} |`,
    );
  });
  console.log(`\npaced at about ${halfLoad} requests/s (half the 1-worker throughput), wrk ${pacedConnections} connections with a delay\n`);
  console.log('RSS after the runs:');
  for (const target of targets) {
    const processes = processesOf(target);
    const total = processes.reduce((sum, { pid }) => sum + rssMb(pid), 0);
    console.log(
      `  SERVING_WORKERS=${target.workers}: ${processes.map(({ role, pid }) => `${role} ${rssMb(pid).toFixed(0)} MB`).join(', ')} (total ${total.toFixed(0)} MB)`,
    );
  }
} finally {
  for (const target of targets) target.child.kill('SIGTERM');
  const keys = await redis.keys(`${prefix}*`);
  for (let at = 0; at < keys.length; at += 500) await redis.del(...keys.slice(at, at + 500));
  redis.disconnect();
}
