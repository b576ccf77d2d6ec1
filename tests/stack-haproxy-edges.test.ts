// The edge limits of infra/haproxy/haproxy.cfg, on the real HAProxy (Debian's
// /usr/sbin/haproxy): one client address may hold only SERVING_MAX_CONN_PER_SOURCE connections
// (stick table, conn_cur), a client that does not finish its request headers within
// `timeout http-request` gets 408 and is cut off (slow loris), and /metrics is refused at the
// public edge. The serving backends are closed ports: these are HAProxy's own answers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { waitFor } from '@ads/test-kit';
import { freePort, repoRoot } from './support/processes';

const LIMIT = 5;
let haproxy: ChildProcess;
let port: number;
let output = '';

before(async () => {
  port = await freePort();
  haproxy = spawn('/usr/sbin/haproxy', ['-W', '-db', '-f', join(repoRoot, 'infra/haproxy/haproxy.cfg')], {
    env: {
      ...process.env,
      HAPROXY_BIND: `127.0.0.1:${port}`,
      SERVING_1: `127.0.0.1:${await freePort()}`,
      SERVING_2: `127.0.0.1:${await freePort()}`,
      DATA_API_BIND: `127.0.0.1:${await freePort()}`,
      DATA_API_1: `127.0.0.1:${await freePort()}`,
      SERVING_MAX_CONN_PER_SOURCE: String(LIMIT),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  haproxy.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  haproxy.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  haproxy.on('error', (error) => (output += error.message));
  // Any HTTP answer (503: no backend) means it listens.
  await waitFor(async () => (await statusOf('/healthz')) > 0, `haproxy on ${port}:\n${output}`, { timeoutMs: 15_000 });
});

after(async () => {
  if (haproxy?.exitCode === null) {
    const exited = new Promise((resolve) => haproxy.once('exit', resolve));
    haproxy.kill('SIGTERM');
    await exited;
  }
});

interface Connection {
  socket: Socket;
  /** Resolves with what the server sent before closing (empty: closed without a word). */
  closed: Promise<{ data: string; afterMs: number }>;
}

async function open(): Promise<Connection> {
  const socket = connect(port, '127.0.0.1');
  const openedAt = Date.now();
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<{ data: string; afterMs: number }>((resolve) =>
    socket.once('close', () => resolve({ data, afterMs: Date.now() - openedAt })),
  );
  // A refused connection may be reset before or right after it is established.
  await Promise.race([new Promise((resolve) => socket.once('connect', resolve)), closed]);
  return { socket, closed };
}

/**
 * One request on a connection of its own, closed after the answer (fetch would keep its
 * connection open in a pool, and that connection would count against the limit).
 */
async function statusOf(path: string): Promise<number> {
  const connection = await open();
  connection.socket.write(`GET ${path} HTTP/1.1\r\nHost: ads.example\r\nConnection: close\r\n\r\n`);
  const { data } = await connection.closed;
  return Number(/^HTTP\/1\.[01] (\d{3}) /.exec(data)?.[1] ?? 0);
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);

test('one address holds at most SERVING_MAX_CONN_PER_SOURCE connections; more are refused at once', async () => {
  const held: Connection[] = [];
  try {
    for (let at = 0; at < LIMIT; at += 1) held.push(await open());
    // A time wait: HAProxy's per-source connection count is not observable without a stats
    // socket, which the production configuration does not open; 200 ms lets it count the held ones.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const extra = await Promise.all([open(), open(), open()]);
    for (const connection of extra) {
      const outcome = await within(connection.closed, 2_000);
      assert.notEqual(outcome, 'pending', 'a connection beyond the limit is closed');
      assert.equal((outcome as { data: string }).data, '', 'refused before any HTTP');
    }
    for (const connection of held)
      assert.equal(await within(connection.closed, 100), 'pending', 'the connections within the limit stay open');
  } finally {
    for (const connection of held) connection.socket.destroy();
    await Promise.all(held.map((connection) => connection.closed));
  }
  // Once they are gone the address may connect again: a normal request gets its answer.
  await waitFor(async () => (await statusOf('/healthz')) === 503, 'a request after the held connections closed');
});

test('a request whose headers do not arrive within timeout http-request gets 408 and is cut off', async () => {
  const slow = await open();
  slow.socket.write('GET /rpc/docs HTTP/1.1\r\nHost: ads.example\r\nX-Slow: ');
  const outcome = await within(slow.closed, 15_000);
  assert.notEqual(outcome, 'pending', 'the slow client was cut off (before: only timeout client, 30 s)');
  const { data, afterMs } = outcome as { data: string; afterMs: number };
  assert.match(data, /^HTTP\/1\.[01] 408 /);
  assert.ok(afterMs >= 4_000 && afterMs < 10_000, `cut off after ${afterMs} ms (timeout http-request 5s)`);
});

test('/metrics is refused at the public edge', async () => {
  assert.equal(await statusOf('/metrics'), 404);
  assert.equal(await statusOf('/metrics?x=1'), 404);
  assert.equal(await statusOf('/healthz'), 503, 'other paths go to the (closed) backends');
});
