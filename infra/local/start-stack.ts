// The whole platform with one command (`npm start`): checks PostgreSQL and Redis, migrates
// and seeds an empty database, starts ads-data-api, two serving instances behind HAProxy
// (one instance directly when haproxy is not installed), the import worker and scheduler,
// runs cache-warming, timeseries-warming and scoring once (then on their schedules), and
// prints the URLs. Logs are prefixed per service; Ctrl-C stops everything.
//
// It starts the services as processes, exactly as an operator would: it never imports them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { STACK_EXIT_CODES, stackCommandLine } from './stack-command-line';

stackCommandLine(
  'npm start',
  'Starts the whole platform as local processes against local PostgreSQL and Redis (see infra/README.md); Ctrl-C, SIGTERM or npm stop stops it.',
  [
    ['DATABASE_URL', 'PostgreSQL database (default: postgresql://postgres@127.0.0.1:5432/ads)'],
    ['REDIS_URL', 'Redis (default: redis://127.0.0.1:6379)'],
    ['REDIS_KEY_PREFIX', 'prefix of every Redis key and channel (default: ads:)'],
    ['STACK_PORT_BASE', 'shifts every port, 1024 to 65000 (default: 4000)'],
    ['STACK_STATE_DIR', 'where keys.json, secrets.json and stack.pid go (default: .stack)'],
    ['TRACKING_SECRET', 'HMAC key of tracking URLs (default: random, kept in secrets.json)'],
    ['METRICS_TOKEN', 'bearer token of /metrics (default: random, kept in secrets.json)'],
    ['TRACKING_SECRET_PREVIOUS', 'the secret before a rotation, still accepted on beacons (default: none)'],
    ['LOG_LEVEL', "level of the services' JSON logs (default: info)"],
    ['TIMESERIES_WARMING_CRON', 'time-series warming schedule (default: */5 * * * *)'],
    ['ADS_SCORING_CRON', 'scoring schedule (default: */10 * * * *)'],
  ],
);

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Tests run a whole stack of their own next to a developer's: every port shifts with
// STACK_PORT_BASE, the keys file moves with STACK_STATE_DIR, Redis keys with REDIS_KEY_PREFIX.
const stateDir = resolve(root, process.env.STACK_STATE_DIR ?? '.stack');
const keysFile = join(stateDir, 'keys.json');
const secretsFile = join(stateDir, 'secrets.json');
/** The stack's pid while it runs, for `npm stop`. */
const pidFile = join(stateDir, 'stack.pid');
const portBase = Number(process.env.STACK_PORT_BASE ?? 4000);
if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_000) {
  process.stderr.write(`npm start: STACK_PORT_BASE must be a whole number from 1024 to 65000, got "${process.env.STACK_PORT_BASE}"\n`);
  process.exit(STACK_EXIT_CODES.config);
}

/**
 * The stack's own secrets: random per state directory and kept in it (mode 0600), so that a
 * restart keeps the tracking URLs signed before it valid, and no two developers' stacks share
 * a secret anyone could read in the repository.
 */
function stackSecrets(): { trackingSecret: string; metricsToken: string } {
  mkdirSync(stateDir, { recursive: true });
  let saved: { trackingSecret?: unknown; metricsToken?: unknown } = {};
  if (existsSync(secretsFile)) {
    try {
      saved = JSON.parse(readFileSync(secretsFile, 'utf8')) as typeof saved;
    } catch (error) {
      process.stderr.write(`npm start: ${secretsFile} is not JSON (${(error as Error).message}); delete it to get new secrets\n`);
      process.exit(STACK_EXIT_CODES.dataInvalid);
    }
  }
  const secret = (value: unknown) => (typeof value === 'string' && value.length >= 43 ? value : randomBytes(48).toString('base64'));
  const secrets = { trackingSecret: secret(saved.trackingSecret), metricsToken: secret(saved.metricsToken) };
  if (secrets.trackingSecret !== saved.trackingSecret || secrets.metricsToken !== saved.metricsToken) {
    writeFileSync(secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}
const secrets = stackSecrets();

const env = {
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/ads',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX ?? 'ads:',
  // Random per state directory (secrets.json), unless the environment sets them (empty: unset).
  TRACKING_SECRET: process.env.TRACKING_SECRET || secrets.trackingSecret,
  METRICS_TOKEN: process.env.METRICS_TOKEN || secrets.metricsToken,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  // The worker runs these commands on their schedules (BullMQ job schedulers).
  TIMESERIES_WARMING_CRON: process.env.TIMESERIES_WARMING_CRON ?? '*/5 * * * *',
  ADS_SCORING_CRON: process.env.ADS_SCORING_CRON ?? '*/10 * * * *',
};
const ports = {
  dataApi: portBase,
  dataApiFront: portBase + 50,
  haproxy: portBase + 100,
  serving: [portBase + 101, portBase + 102],
  worker: portBase + 300,
};
const haproxyBinary = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((path) => existsSync(path)) ?? 'haproxy';
const colours = [36, 33, 35, 32, 34, 31, 96, 93];
const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

function say(message: string): void {
  process.stdout.write(`\x1b[1m[stack]\x1b[0m ${message}\n`);
}

function prefixLines(name: string, colour: number, stream: NodeJS.ReadableStream): void {
  const lines = createInterface({ input: stream });
  lines.on('line', (line) => process.stdout.write(`\x1b[${colour}m${name.padEnd(18)}|\x1b[0m ${line}\n`));
}

/** Restart delays of a crashed long-running process: 1 s, doubling to 30 s; reset after a minute up. */
const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const RESTART_RESET_AFTER_MS = 60_000;

function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; oneOff?: boolean } = {},
): ChildProcess {
  const colour = colours[children.length % colours.length]!;
  const entry = { name, child: undefined as unknown as ChildProcess };
  let restarts = 0;
  const launch = (): ChildProcess => {
    const startedAt = Date.now();
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixLines(name, colour, child.stdout);
    prefixLines(name, colour, child.stderr);
    child.on('exit', (code, signal) => {
      if (stopping || options.oneOff) return;
      // A crashed service comes back, with backoff so that one failing at start does not spin.
      if (Date.now() - startedAt > RESTART_RESET_AFTER_MS) restarts = 0;
      const delayMs = Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** restarts);
      restarts += 1;
      say(`${name} exited (${signal ?? code}); restarting it in ${delayMs / 1000} s (the rest keeps running)`);
      setTimeout(() => {
        if (stopping) return;
        entry.child = launch();
        say(`${name} restarted (pid ${entry.child.pid})`);
      }, delayMs);
    });
    return child;
  };
  entry.child = launch();
  children.push(entry);
  return entry.child;
}

function service(name: string, packageDir: string, args: string[], extraEnv: Record<string, string>, oneOff = false): ChildProcess {
  return startProcess(name, process.execPath, ['--experimental-wasm-modules', '--conditions=@ads/source', '--import', 'tsx', ...args], {
    oneOff,
    cwd: join(root, packageDir),
    env: { REDIS_URL: env.REDIS_URL, REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX, LOG_LEVEL: env.LOG_LEVEL, ...extraEnv },
  });
}

async function runToEnd(
  name: string,
  packageDir: string,
  args: string[],
  extraEnv: Record<string, string>,
): Promise<{ code: number | null; stdout: string }> {
  const child = service(name, packageDir, args, extraEnv, true);
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
  return { code, stdout };
}

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const parsed = new URL(url);
  return new Promise((done) => {
    const socket = connect({ host: parsed.hostname, port: Number(parsed.port || defaultPort) });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(false));
  });
}

async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

function lastJsonLine(text: string): Record<string, unknown> | undefined {
  for (const line of text.trim().split('\n').reverse()) {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      // a log line
    }
  }
  return undefined;
}

interface StackKeys {
  adminKey: string;
  serviceKey: string;
  /** Feed imports write with it: service keys may not upsert feed rows. */
  importerKey: string;
}

async function keysFor(dataApiEnv: Record<string, string>): Promise<StackKeys> {
  mkdirSync(stateDir, { recursive: true });
  const seeded = await runToEnd('seed', 'services/ads-data-api', ['src/cli/seed.ts', '--json'], dataApiEnv);
  const seedKeys = seeded.code === 0 ? lastJsonLine(seeded.stdout) : undefined;
  const { adminKey, serviceKey, importerKey } = seedKeys ?? {};
  if (typeof adminKey === 'string' && typeof serviceKey === 'string' && typeof importerKey === 'string') {
    say('the database was empty: seeded demo data');
    const keys = { adminKey, serviceKey, importerKey };
    writeFileSync(keysFile, JSON.stringify({ ...keys, databaseUrl: env.DATABASE_URL }, null, 2));
    return keys;
  }
  if (existsSync(keysFile)) {
    const saved = JSON.parse(readFileSync(keysFile, 'utf8')) as Partial<StackKeys> & { databaseUrl: string };
    // A keys file from before importer keys existed is replaced below.
    if (saved.databaseUrl === env.DATABASE_URL && saved.adminKey && saved.serviceKey && saved.importerKey) return saved as StackKeys;
  }
  say('the database already holds data: creating fresh admin, service and importer keys');
  const created: Record<string, string> = {};
  for (const role of ['admin', 'service', 'importer'] as const) {
    const result = await runToEnd(
      `keys:${role}`,
      'services/ads-data-api',
      ['src/cli/create-key.ts', '--role', role, '--name', `local-stack-${role}`, '--json'],
      dataApiEnv,
    );
    const parsed = lastJsonLine(result.stdout);
    if (result.code !== 0 || typeof parsed?.secret !== 'string') throw new Error(`could not create a ${role} key`);
    created[role] = parsed.secret;
  }
  const keys = { adminKey: created.admin!, serviceKey: created.service!, importerKey: created.importer! };
  writeFileSync(keysFile, JSON.stringify({ ...keys, databaseUrl: env.DATABASE_URL }, null, 2));
  return keys;
}

async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping every service');
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (children.some(({ child }) => child.exitCode === null && child.signalCode === null) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 100));
    }
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(pidFile, { force: true });
  }
  process.exit(exitCode);
}

/**
 * The processes `npm start` put between a supervisor and this one (npm, then sh). npm does not
 * pass a SIGTERM or SIGINT it receives on to the script's shell, so a supervisor signalling
 * `npm start` would leave the stack running: the stack watches them and stops when one is gone.
 */
function launcherPids(): number[] {
  if (process.env.npm_lifecycle_event === undefined) return [];
  const parent = process.ppid;
  const grandparent = Number(spawnSync('ps', ['-o', 'ppid=', '-p', String(parent)], { encoding: 'utf8' }).stdout.trim());
  return [parent, grandparent].filter((pid) => Number.isInteger(pid) && pid > 1);
}

function stopWhenLauncherExits(pids: readonly number[]): void {
  if (pids.length === 0) return;
  setInterval(() => {
    const gone = pids.find((pid) => !isRunning(pid));
    if (gone !== undefined && !stopping) {
      say(`the launching process ${gone} (npm start) is gone`);
      void stopAll(0);
    }
  }, 500).unref();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Generates the Prisma client and builds the dashboard when a fresh install lacks them. */
function prepareGeneratedCode(): void {
  const missing = [
    join(root, 'services/ads-data-api/src/generated/prisma'),
    join(root, 'services/ads-data-api/dashboard/dist/index.html'),
  ].filter((path) => !existsSync(path));
  if (missing.length === 0) return;
  say('first start: generating the Prisma client and building the dashboard (npm run prepare:all)');
  const result = spawnSync('npm', ['run', 'prepare:all'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run prepare:all failed');
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  stopWhenLauncherExits(launcherPids());
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
  prepareGeneratedCode();

  if (!(await reachable(env.DATABASE_URL, 5432))) {
    say(
      `PostgreSQL does not answer at ${new URL(env.DATABASE_URL).host}. Start it (Debian: pg_ctlcluster 15 main start; install: apt-get install postgresql) or set DATABASE_URL.`,
    );
    await stopAll(STACK_EXIT_CODES.unavailable);
  }
  if (!(await reachable(env.REDIS_URL, 6379))) {
    say(
      `Redis does not answer at ${new URL(env.REDIS_URL).host}. Start it (redis-server --daemonize yes; install: apt-get install redis-server) or set REDIS_URL.`,
    );
    await stopAll(STACK_EXIT_CODES.unavailable);
  }

  const haproxyInstalled = spawnSync(haproxyBinary, ['-v']).error === undefined;
  const servingPorts = haproxyInstalled ? ports.serving : ports.serving.slice(0, 1);
  const publicServing = haproxyInstalled ? `http://127.0.0.1:${ports.haproxy}` : `http://127.0.0.1:${servingPorts[0]}`;
  // The demo seed's images are served by serving next to its demo page, at its public address.
  const dataApiEnv = {
    DATABASE_URL: env.DATABASE_URL,
    REDIS_URL: env.REDIS_URL,
    REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX,
    LOG_LEVEL: env.LOG_LEVEL,
    DEMO_CREATIVES_BASE_URL: `${publicServing}/demo/creatives`,
  };
  const migrated = await runToEnd('migrate', 'services/ads-data-api', ['src/cli/migrate.ts'], dataApiEnv);
  if (migrated.code !== 0) throw new Error('migrations failed');
  const keys = await keysFor(dataApiEnv);

  service('data-api', 'services/ads-data-api', ['src/main.ts'], { ...dataApiEnv, PORT: String(ports.dataApi) });
  await waitForHttp(`http://127.0.0.1:${ports.dataApi}/readyz`);

  const clientEnv = { DATA_API_URLS: `http://127.0.0.1:${ports.dataApi}/rpc`, DATA_API_TOKEN: keys.serviceKey };

  const warm = await runToEnd('cache-warming', 'services/cache-warming', ['src/main.ts', 'run', '--json'], clientEnv);
  if (warm.code !== 0) say('the first cache-warming run failed; serving starts without an index until the next run');
  await runToEnd('timeseries-warming', 'services/timeseries-warming', ['src/main.ts', 'run', '--json'], clientEnv);
  await runToEnd('ads-scoring', 'services/ads-scoring', ['src/main.ts', 'run', '--json'], clientEnv);

  // Serving runs its production build (compiled JavaScript, no tsx loader), as deployments do.
  const servingDir = join(root, 'services/ads-serving-rpc');
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: servingDir, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building ads-serving-rpc failed');
  servingPorts.forEach((port, index) =>
    startProcess(`serving-${index + 1}`, process.execPath, ['--max-semi-space-size=8', '--enable-source-maps', 'dist/main.mjs'], {
      cwd: servingDir,
      env: {
        REDIS_URL: env.REDIS_URL,
        REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX,
        LOG_LEVEL: env.LOG_LEVEL,
        PORT: String(port),
        HOST: '127.0.0.1',
        // Two instances already share the cores behind HAProxy: one process each (a cluster per
        // instance would run 2 x cores processes and hide a crashed instance from the balancer).
        SERVING_WORKERS: '1',
        TRACKING_SECRET: env.TRACKING_SECRET,
        METRICS_TOKEN: env.METRICS_TOKEN,
        PUBLIC_BASE_URL: publicServing,
      },
    }),
  );
  if (haproxyInstalled) {
    startProcess('haproxy', haproxyBinary, ['-W', '-db', '-f', join(root, 'infra/haproxy/haproxy.cfg')], {
      env: {
        HAPROXY_BIND: `127.0.0.1:${ports.haproxy}`,
        SERVING_1: `127.0.0.1:${ports.serving[0]}`,
        SERVING_2: `127.0.0.1:${ports.serving[1]}`,
        DATA_API_BIND: `127.0.0.1:${ports.dataApiFront}`,
        DATA_API_1: `127.0.0.1:${ports.dataApi}`,
      },
    });
  } else {
    say('haproxy is not installed (apt-get install haproxy): running ONE serving instance directly, without a load balancer');
  }
  service('import-worker', 'services/ads-data-import', ['src/main.ts', 'worker'], {
    ...clientEnv,
    DATA_API_IMPORT_TOKEN: keys.importerKey,
    WORKER_PORT: String(ports.worker),
  });
  service('import-scheduler', 'services/ads-data-import', ['src/main.ts', 'scheduler'], {
    ...clientEnv,
    TIMESERIES_WARMING_CRON: env.TIMESERIES_WARMING_CRON,
    ADS_SCORING_CRON: env.ADS_SCORING_CRON,
  });
  service('cache-warming', 'services/cache-warming', ['src/main.ts', 'run', '--watch'], clientEnv);
  await waitForHttp(`${publicServing}/readyz`, 60_000).catch((error: Error) => say(`serving is not ready yet: ${error.message}`));
  await waitForHttp(`http://127.0.0.1:${ports.worker}/healthz`, 60_000).catch((error: Error) =>
    say(`the import worker is not up yet: ${error.message}`),
  );

  const urls = {
    dashboard: `http://127.0.0.1:${ports.dataApi}/dashboard`,
    dataApi: `http://127.0.0.1:${ports.dataApi}`,
    dataApiRpc: `http://127.0.0.1:${ports.dataApi}/rpc`,
    restDocs: `http://127.0.0.1:${ports.dataApi}/api/docs`,
    dataApiRpcDocs: `http://127.0.0.1:${ports.dataApi}/rpc/docs`,
    serving: publicServing,
    demo: `${publicServing}/demo?placement=dailyplanet-article-inline`,
    servingRpcDocs: `${publicServing}/rpc/docs`,
    queues: `http://127.0.0.1:${ports.worker}/queues`,
  };
  // Each serving instance directly (behind HAProxy): its /metrics, for the soak. Not a page.
  const servingInstances = servingPorts.map((port) => `http://127.0.0.1:${port}`);
  const pids = Object.fromEntries(children.filter(({ child }) => child.exitCode === null).map(({ name, child }) => [name, child.pid]));

  say(`ready:
    dashboard            http://127.0.0.1:${ports.dataApi}/dashboard   (admin key: ${keys.adminKey})
    REST API docs        http://127.0.0.1:${ports.dataApi}/api/docs
    data API RPC docs    http://127.0.0.1:${ports.dataApi}/rpc/docs
    demo publisher page  ${publicServing}/demo?placement=dailyplanet-article-inline
    serving RPC docs     ${publicServing}/rpc/docs
    queue dashboard      http://127.0.0.1:${ports.worker}/queues
  keys are saved in ${keysFile}, the tracking secret and the /metrics token in ${secretsFile}; Ctrl-C stops everything.`);
  // One line for scripts and tests (the keys are in the keys file too).
  process.stdout.write(
    `STACK_READY ${JSON.stringify({ urls, servingInstances, keys, haproxy: haproxyInstalled, redisKeyPrefix: env.REDIS_KEY_PREFIX, keysFile, secretsFile, pids })}\n`,
  );
}

main().catch((error: unknown) => {
  say(`could not start the stack: ${(error as Error).message}`);
  void stopAll(1);
});
