import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { type StatusAndCode, requestStatusAndCode } from '@ads/test-kit';
import { DataImportError } from '../errors';
import { type DashboardAccess, createDashboardApp } from './dashboard-server';

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

async function listen(
  password: string | undefined,
  listenHost = '127.0.0.1',
  publicHosts: DashboardAccess['publicHosts'] = [],
): Promise<number> {
  const app = createDashboardApp([], { password, listenHost, publicHosts }, () => Promise.resolve({ ok: true, detail: {} }));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, listenHost, () => resolve(listening));
  });
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

interface Call {
  /** The local address to call from: 127.0.0.2 stands for a client on another host. */
  from?: string;
  authorization?: string;
  method?: string;
  headers?: Record<string, string>;
}

/** Calls the dashboard on 127.0.0.1; answers the status and the refusal code, if any. */
function call(port: number, path: string, options: Call = {}): Promise<StatusAndCode> {
  const headers: Record<string, string> = {
    ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
    ...options.headers,
  };
  const method = options.method ?? 'GET';
  return requestStatusAndCode(
    undefined,
    { host: '127.0.0.1', port, path, method, localAddress: options.from ?? '127.0.0.1', headers },
    method === 'POST' ? '{}' : undefined,
  );
}

const get = async (port: number, path: string, options: Call = {}) => (await call(port, path, options)).status;
const basic = (secret: string) => `Basic ${Buffer.from(`ops:${secret}`).toString('base64')}`;

test('without a password the dashboard answers this host only; /healthz answers anyone', async () => {
  const port = await listen(undefined);
  assert.equal(await get(port, '/queues'), 200);
  assert.deepEqual(await call(port, '/queues', { from: '127.0.0.2' }), { status: 403, code: 'DASHBOARD_LOCAL_ONLY' });
  assert.equal(await get(port, '/queues/api/queues', { from: '127.0.0.2' }), 403, 'the API behind the board too');
  assert.equal(await get(port, '/healthz', { from: '127.0.0.2' }), 200);
});

test('with a password the dashboard needs it, from anywhere', async () => {
  const port = await listen('a-long-dashboard-password', '0.0.0.0');
  assert.equal(await get(port, '/queues'), 401, 'this host too');
  assert.deepEqual(await call(port, '/queues', { from: '127.0.0.2', authorization: basic('wrong-password') }), {
    status: 401,
    code: 'DASHBOARD_PASSWORD_WRONG',
  });
  assert.equal(await get(port, '/queues', { from: '127.0.0.2', authorization: 'Basic not-base64-at-all' }), 401);
  assert.equal(
    await get(port, '/queues', { from: '127.0.0.2', authorization: basic('a-long-dashboard-password-and-more') }),
    401,
    'a longer password is not a match',
  );
  assert.equal(await get(port, '/queues', { from: '127.0.0.2', authorization: basic('a-long-dashboard-password') }), 200);
  assert.equal(await get(port, '/healthz', { from: '127.0.0.2' }), 200);
});

test('beyond loopback without a password the dashboard is not served at all', () => {
  for (const listenHost of ['0.0.0.0', '::', '10.1.2.3', 'ads-worker.internal']) {
    assert.throws(
      () => createDashboardApp([], { password: undefined, listenHost, publicHosts: [] }, () => Promise.resolve({ ok: true, detail: {} })),
      (error: unknown) =>
        error instanceof DataImportError && error.code === 'DASHBOARD_PASSWORD_REQUIRED' && error.message.includes('DASHBOARD_PASSWORD'),
      listenHost,
    );
  }
  for (const listenHost of ['127.0.0.1', '::1', 'localhost', '127.0.0.5']) {
    assert.doesNotThrow(
      () => createDashboardApp([], { password: undefined, listenHost, publicHosts: [] }, () => Promise.resolve({ ok: true, detail: {} })),
      listenHost,
    );
  }
});

test('a Host the dashboard is not served as is refused (DNS rebinding); its own names and DASHBOARD_PUBLIC_HOST pass', async () => {
  const port = await listen(undefined, '127.0.0.1', [{ host: 'queues.example.com' }]);
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, 'queues.example.com', 'queues.example.com:8443']) {
    assert.equal(await get(port, '/queues/api/queues', { headers: { host } }), 200, host);
  }
  for (const host of [
    `attacker.example:${port}`,
    'attacker.example',
    `127.0.0.1:${port + 1}`,
    '127.0.0.1',
    `[::1]:${port}x`,
    `evil.queues.example.com:${port}`,
  ]) {
    assert.deepEqual(await call(port, '/queues/api/queues', { headers: { host } }), { status: 403, code: 'DASHBOARD_HOST_REFUSED' }, host);
  }
  assert.equal(await get(port, '/healthz', { headers: { host: 'attacker.example' } }), 200, 'probes send any Host');
});

test('a change sent by a page of another origin is refused; the same origin and clients that are no browser pass', async () => {
  const port = await listen(undefined);
  const add = '/queues/api/queues/feed-import/add';
  const self = `http://127.0.0.1:${port}`;
  const refused = { status: 403, code: 'DASHBOARD_CROSS_ORIGIN' };
  assert.deepEqual(
    await call(port, add, { method: 'POST', headers: { origin: 'http://attacker.example', 'content-type': 'text/plain' } }),
    refused,
  );
  assert.deepEqual(await call(port, add, { method: 'POST', headers: { origin: 'null' } }), refused);
  assert.deepEqual(await call(port, add, { method: 'POST', headers: { origin: `http://127.0.0.1:${port + 1}` } }), refused);
  assert.deepEqual(await call(port, add, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } }), refused);
  assert.deepEqual(await call(port, add, { method: 'POST', headers: { 'sec-fetch-site': 'same-site', origin: self } }), refused);
  assert.deepEqual(await call(port, add, { method: 'PUT', headers: { origin: 'http://attacker.example' } }), refused);
  // Past the guards: bull-board answers (no such queue in this test), not the guard.
  for (const headers of [{ origin: self, 'sec-fetch-site': 'same-origin' }, {}] as Record<string, string>[]) {
    const passed = await call(port, add, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
    assert.notEqual(passed.code, 'DASHBOARD_CROSS_ORIGIN', JSON.stringify(headers));
    assert.notEqual(passed.status, 403, JSON.stringify(headers));
  }
  assert.equal(
    await get(port, '/queues/api/queues', { headers: { origin: 'http://attacker.example', 'sec-fetch-site': 'cross-site' } }),
    200,
    'reads are not changes',
  );
});
