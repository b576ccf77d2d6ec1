// Who may call the RPC of ads-data-api, and how bad arguments are refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createAdvertiser } from './support/inventory-fixtures';
import { insertApiKey, rejectsWith, startRpcTestServer, type RpcTestServer } from './support/rpc-test-server';

let stack: RpcTestServer;

before(async () => {
  stack = await startRpcTestServer();
});
after(async () => {
  await stack?.close();
});

describe('RPC authentication', () => {
  it('answers service and admin keys', async () => {
    for (const secret of [stack.serviceKey.secret, stack.adminKey.secret]) {
      const page = await stack.client(secret).inventory.snapshot({});
      assert.deepEqual(page.campaigns, []);
    }
  });

  it('refuses a call without a key, with an unknown key and with a revoked key (UNAUTHORIZED)', async () => {
    const revoked = await insertApiKey(stack.database, 'service', { revoked: true });
    await rejectsWith(stack.client('').inventory.snapshot({}), 'UNAUTHORIZED');
    await rejectsWith(stack.client('ads_unknown-key').inventory.snapshot({}), 'UNAUTHORIZED');
    await rejectsWith(
      stack.client(revoked.secret).stats.query({ level: 'ad', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }),
      'UNAUTHORIZED',
    );
  });

  it('refuses an advertiser key (FORBIDDEN), for reads and writes alike', async () => {
    const advertiser = await createAdvertiser(stack.database.prisma);
    const key = await insertApiKey(stack.database, 'advertiser', { advertiserId: advertiser.id });
    const client = stack.client(key.secret);
    await rejectsWith(client.inventory.snapshot({}), 'FORBIDDEN');
    await rejectsWith(
      client.stats.ingest({
        batchId: 'advertiser-try',
        rows: [{ adId: advertiser.id, hour: '2026-01-01T00:00:00Z', impressions: 1, viewableImpressions: 0, clicks: 0, spendMicros: 0 }],
      }),
      'FORBIDDEN',
    );
    assert.equal(await stack.database.prisma.statsBatch.count(), 0);
  });

  it('answers with HTTP 401 and 403 and a JSON-RPC error object', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'inventory.snapshot', params: {} });
    const anonymous = await fetch(stack.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(anonymous.status, 401);
    const answer = (await anonymous.json()) as { error: { data: { code: string } } };
    assert.equal(answer.error.data.code, 'UNAUTHORIZED');

    const advertiser = await createAdvertiser(stack.database.prisma);
    const key = await insertApiKey(stack.database, 'advertiser', { advertiserId: advertiser.id });
    const forbidden = await fetch(stack.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key.secret}` },
      body,
    });
    assert.equal(forbidden.status, 403);
  });
});

describe('RPC argument errors', () => {
  it('names the bad field of a call the contract refuses (sent without client-side checks)', async () => {
    const response = await fetch(stack.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.serviceKey.secret}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'inventory.snapshot', params: { limit: 5000 } }),
    });
    assert.equal(response.status, 400);
    const answer = (await response.json()) as { error: { data: { code: string; issues: Array<{ path: unknown[] }> } } };
    assert.equal(answer.error.data.code, 'INVALID_PARAMS');
    assert.deepEqual(answer.error.data.issues[0]!.path, ['limit']);
  });

  it('refuses a cursor it did not issue, naming the field', async () => {
    const error = await rejectsWith(stack.client().inventory.snapshot({ cursor: 'bm90LWEtY3Vyc29y' }), 'INVALID_PARAMS');
    assert.deepEqual((error.data as { issues: Array<{ path: unknown[] }> }).issues[0]!.path, ['cursor']);
  });

  it('refuses a stats range that ends before it starts, naming "to"', async () => {
    const error = await rejectsWith(
      stack.client().stats.query({ level: 'campaign', from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
      'INVALID_PARAMS',
    );
    assert.deepEqual((error.data as { issues: Array<{ path: unknown[] }> }).issues[0]!.path, ['to']);
  });

  it('describes itself at /rpc/describe', async () => {
    const response = await fetch(`${stack.rpcUrl}/describe`);
    assert.equal(response.status, 200);
    const text = await response.text();
    for (const name of ['inventory.snapshot', 'stats.ingest', 'stats.query', 'imports.upsertRows', 'imports.recordRun']) {
      assert.ok(text.includes(name), name);
    }
  });
});
