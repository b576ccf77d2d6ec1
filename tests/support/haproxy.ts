// The real HAProxy (Debian's /usr/sbin/haproxy) with the repository's own configuration,
// infra/haproxy/haproxy.cfg, in front of two serving instances (and a data API), as the
// stack runs it: the addresses come from the environment the configuration reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '@ads/test-kit';
import { freePort, repoRoot } from './processes';

export const HAPROXY = '/usr/sbin/haproxy';

export interface RunningHaproxy {
  /** The serving frontend, e.g. `http://127.0.0.1:40123` (`/rpc`, `/t/i`, ... behind it). */
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything HAProxy printed so far (its log goes to stdout). */
  output(): string;
  /** SIGTERM, SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts HAProxy with infra/haproxy/haproxy.cfg: the serving frontend on `port` (a free one
 * by default; pass one to know the balancer's address before the instances start, e.g. for
 * their `PUBLIC_BASE_URL`) balancing the two serving ports round-robin (none: closed ports,
 * for tests of HAProxy's own answers), and the data API frontend on a free port in front of
 * `dataApiPort` (none: a closed port). `env` adds the configuration's optional variables
 * (e.g. `SERVING_MAX_CONN_PER_SOURCE`). Resolves once `/readyz` answers 200 through the
 * balancer (`until: 'ready'`, the default) or once it answers anything (`'listening'`).
 */
export async function startHaproxy(options: {
  servingPorts?: readonly [number, number];
  dataApiPort?: number;
  port?: number;
  env?: Record<string, string>;
  until?: 'ready' | 'listening';
}): Promise<RunningHaproxy> {
  const port = options.port ?? (await freePort());
  const servingPorts = options.servingPorts ?? [await freePort(), await freePort()];
  const child = spawn(HAPROXY, ['-W', '-db', '-f', join(repoRoot, 'infra/haproxy/haproxy.cfg')], {
    env: {
      ...process.env,
      ...options.env,
      HAPROXY_BIND: `127.0.0.1:${port}`,
      SERVING_1: `127.0.0.1:${servingPorts[0]}`,
      SERVING_2: `127.0.0.1:${servingPorts[1]}`,
      DATA_API_BIND: `127.0.0.1:${await freePort()}`,
      DATA_API_1: `127.0.0.1:${options.dataApiPort ?? (await freePort())}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // A missing binary is an 'error' event, not an exit: keep it for the message below.
  child.on('error', (error) => collect(Buffer.from(`${error.message}\n`)));
  const running: RunningHaproxy = { url: `http://127.0.0.1:${port}`, port, child, output: () => output, stop: () => stopChild(child) };
  // waitFor treats a throwing check as "not yet": an exit (bad configuration, port taken,
  // missing binary) ends the wait at once instead.
  const exited = new Promise<never>((_, reject) => {
    const fail = () => reject(new Error(`haproxy exited (${child.exitCode ?? child.signalCode ?? 'not started'})`));
    child.once('exit', fail);
    child.once('error', fail);
  });
  try {
    await Promise.race([
      exited,
      waitFor(
        async () => {
          const status = (await fetch(`${running.url}/readyz`, { signal: AbortSignal.timeout(1_000) })).status;
          return options.until === 'listening' || status === 200;
        },
        `haproxy at ${running.url} to answer /readyz${options.until === 'listening' ? '' : ' with 200'} (${HAPROXY}; if missing: apt-get install -y haproxy)`,
        { timeoutMs: 30_000 },
      ),
    ]);
  } catch (error) {
    await running.stop();
    throw new Error(`${(error as Error).message}:\n${output}`, { cause: error });
  }
  exited.catch(() => undefined);
  return running;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
