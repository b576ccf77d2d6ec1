// ads-serving-rpc as a process for the package's tests: `node --import tsx src/main.ts` on a
// free port, its output kept for failure messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

const packageDir = new URL('../..', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  probe.close();
  return port;
}

export interface ServingProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts src/main.ts on 127.0.0.1 with this environment (on top of the test's own). */
export function startServingProcess(env: Record<string, string>): ServingProcess {
  const child = spawn(process.execPath, ['--conditions=@ads/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: packageDir,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls `path` until it answers 2xx; fails with the process's output. */
export async function waitForPath(serving: ServingProcess, base: string, path: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (await fetch(`${base}${path}`).then((response) => response.ok, () => false)) return;
    if (serving.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${base}${path} never answered 2xx:\n${serving.output()}`);
}
