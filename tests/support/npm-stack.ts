// The whole local stack started as a developer or a supervisor starts it, `npm start`
// (infra/local/start-stack.ts), on a database, a Redis prefix, ports and a state directory of
// its own; for the stack tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@ads/test-kit';
import { repoRoot } from './processes';

/** Offsets of the launcher's ports from STACK_PORT_BASE (infra/local/start-stack.ts). */
const PORT_OFFSETS = [0, 50, 100, 101, 102, 300];

/** What the launcher prints on its `STACK_READY {json}` line. */
export interface StackReady {
  urls: Record<string, string> & { dashboard: string; dataApi: string; dataApiRpc: string; serving: string; demo: string; queues: string };
  keys: { adminKey: string; serviceKey: string; importerKey: string };
  haproxy: boolean;
  pids: Record<string, number>;
}

/** A stack started with `npm start`. */
export interface NpmStack {
  ready: StackReady;
  /** STACK_STATE_DIR: keys.json, secrets.json and stack.pid. */
  stateDir: string;
  /** The `npm start` process. */
  launcher: ChildProcess;
  /** Resolves to npm's exit code once it has exited. */
  exited: Promise<number | null>;
  /** The last lines the stack printed, for failure messages. */
  tail(): string;
  /** Stops what is left (SIGINT to npm, then SIGKILL to any survivor) and removes the state directory. */
  close(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  const server = createTcpServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A STACK_PORT_BASE whose every port is free now. */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await Promise.all(PORT_OFFSETS.map((offset) => portIsFree(base + offset)))).every(Boolean)) return base;
  }
  throw new Error('no free port range for the stack');
}

/** Whether a process runs (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `npm start` against `databaseUrl` (migrated; seeded by the launcher when empty) with
 * Redis keys under `redisKeyPrefix`, and waits for its STACK_READY line.
 */
export async function startNpmStack(options: {
  databaseUrl: string;
  redisKeyPrefix: string;
  env?: Record<string, string>;
}): Promise<NpmStack> {
  const stateDir = mkdtempSync(join(tmpdir(), 'ads-npm-stack-'));
  const launcher = spawn('npm', ['start', '--silent'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      REDIS_KEY_PREFIX: options.redisKeyPrefix,
      STACK_PORT_BASE: String(await freePortBase()),
      STACK_STATE_DIR: stateDir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 400_000) output = output.slice(-200_000);
  };
  launcher.stdout.on('data', collect);
  launcher.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
  const tail = () => output.slice(-6_000);
  let ready: StackReady | undefined;
  const close = async () => {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill('SIGINT');
      const timer = setTimeout(() => launcher.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    // Whatever survived a failed shutdown must not outlive the test.
    for (const pid of Object.values(ready?.pids ?? {})) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      () => {
        if (launcher.exitCode !== null) throw new Error(`the launcher exited with ${launcher.exitCode}:\n${tail()}`);
        const line = output.split('\n').find((candidate) => candidate.startsWith('STACK_READY '));
        if (line !== undefined) ready = JSON.parse(line.slice('STACK_READY '.length)) as StackReady;
        return Promise.resolve(ready !== undefined);
      },
      'the launcher to print STACK_READY',
      { timeoutMs: 180_000 },
    );
  } catch (error) {
    await close();
    throw new Error(`${(error as Error).message}\n${tail()}`, { cause: error });
  }
  return { ready: ready!, stateDir, launcher, exited, tail, close };
}
