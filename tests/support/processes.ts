// Cross-package tests start the platform's services as real processes (never by importing
// their code): this module starts a package's entry point, waits for it to answer, collects
// its output for failure messages, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Starts `node --import tsx <script>` in a package folder (e.g. `services/ads-data-api`). */
export function startTsProcess(name: string, packageDir: string, script: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--experimental-wasm-modules', '--conditions=@ads/source', '--import', 'tsx', script, ...args], {
    cwd: join(repoRoot, packageDir),
    env: { ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (process.env.TEST_SHOW_PROCESS_OUTPUT) process.stderr.write(`[${name}] ${chunk}`);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const waitExit = async (graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    name,
    child,
    output: () => output,
    exited,
    stop: async (graceMs = 5_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await waitExit(graceMs);
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await waitExit(0);
    },
  };
}

/** Runs a package script to completion and returns its exit code and output. */
export async function runTsCommand(
  packageDir: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--experimental-wasm-modules', '--conditions=@ads/source', '--import', 'tsx', script, ...args], {
    cwd: join(repoRoot, packageDir),
    env: { ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Polls `url` until it answers with a status below 500, or throws with the process output. */
export async function waitForHttp(url: string, process_: RunningProcess | undefined, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (process_ !== undefined && (process_.child.exitCode !== null || process_.child.signalCode !== null)) {
      throw new Error(`${process_.name} exited before answering ${url}:\n${process_.output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${process_?.output() ?? ''}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
