import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/** A redis-server of the test's own (no persistence), which it may stop and start again; the shared one is never stopped. */
export interface PrivateRedis {
  url: string;
  port: number;
  /** SIGKILL, as an outage would; resolves once the server has exited. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and waits until it answers PING. */
  start(): Promise<void>;
}

/** Starts `redis-server` on `port` (a free one by default) and waits until it answers PING. */
export async function startPrivateRedis(port?: number): Promise<PrivateRedis> {
  const chosenPort = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(chosenPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitFor(() => answersPing(chosenPort), `redis-server on ${chosenPort}`, { timeoutMs: 10_000 });
  };
  const stop = async () => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${chosenPort}`, port: chosenPort, stop, start };
}

/** One PING over a fresh connection (a refused connection is "not yet"). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (reply: Buffer) => done(reply.toString().startsWith('+PONG')));
  });
}
