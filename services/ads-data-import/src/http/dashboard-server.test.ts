import assert from 'node:assert/strict';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { createDashboardApp } from './dashboard-server';

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

async function listen(password: string | undefined): Promise<number> {
  const app = createDashboardApp([], { password }, async () => ({ ok: true, detail: {} }));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '0.0.0.0', () => resolve(listening));
  });
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** GET from a given local address: 127.0.0.2 stands for a client on another host. */
function get(port: number, path: string, options: { from?: string; authorization?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      { host: '127.0.0.1', port, path, localAddress: options.from ?? '127.0.0.1', headers: options.authorization === undefined ? {} : { authorization: options.authorization } },
      (response) => {
        response.resume();
        resolve(response.statusCode!);
      },
    );
    call.on('error', reject);
    call.end();
  });
}

const basic = (secret: string) => `Basic ${Buffer.from(`ops:${secret}`).toString('base64')}`;

test('without a password the dashboard answers this host only; /healthz answers anyone', async () => {
  const port = await listen(undefined);
  assert.equal(await get(port, '/queues'), 200);
  assert.equal(await get(port, '/queues', { from: '127.0.0.2' }), 403);
  assert.equal(await get(port, '/queues/api/queues', { from: '127.0.0.2' }), 403, 'the API behind the board too');
  assert.equal(await get(port, '/healthz', { from: '127.0.0.2' }), 200);
});

test('with a password the dashboard needs it, from anywhere', async () => {
  const port = await listen('a-long-dashboard-password');
  assert.equal(await get(port, '/queues'), 401, 'this host too');
  assert.equal(await get(port, '/queues', { from: '127.0.0.2', authorization: basic('wrong-password') }), 401);
  assert.equal(await get(port, '/queues', { from: '127.0.0.2', authorization: basic('a-long-dashboard-password') }), 200);
  assert.equal(await get(port, '/healthz', { from: '127.0.0.2' }), 200);
});
