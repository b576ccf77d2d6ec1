// End-to-end check of the shared harness (tests/support/stack.ts): a migrated database, the demo
// seed, keys from the real command, and ads-data-api as a process answering the typed RPC client.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { RpcError, createRpcClient, dataApiContract, readInventorySnapshot } from '@ads/ads-client';

import {
  createApiKey,
  createStackDatabase,
  seedStackDatabase,
  startDataApi,
  type RunningDataApi,
  type StackDatabase,
  type StackSeed,
} from './support/stack';

let database: StackDatabase | undefined;
let seed: StackSeed;
let dataApi: RunningDataApi | undefined;

before(async () => {
  database = await createStackDatabase();
  seed = await seedStackDatabase(database.url);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: `test:${randomUUID()}:` });
});

after(async () => {
  await dataApi?.stop();
  await database?.drop();
});

function clientWith(token: string | undefined) {
  return createRpcClient(dataApiContract, { urls: [dataApi!.rpcUrl], token, timeoutMs: 20_000 });
}

async function assertRefused(call: Promise<unknown>, code: RpcError['code']): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof RpcError, String(error));
    assert.equal(error.code, code);
    return true;
  });
}

describe('stack harness', () => {
  it('gives a seeded database with an admin and a service key', () => {
    assert.match(seed.adminKey, /^ads_/);
    assert.match(seed.serviceKey, /^ads_/);
    assert.notEqual(seed.adminKey, seed.serviceKey);
    assert.equal(seed.counts.ads, 300);
  });

  it('starts ads-data-api, whose RPC serves the seeded inventory to the service key', async () => {
    const client = clientWith(seed.serviceKey);
    try {
      const snapshot = await readInventorySnapshot(client, { pageSize: 7 });
      assert.equal(snapshot.campaigns.length, 20, 'the 20 live demo campaigns, over three pages');
      assert.equal(new Set(snapshot.campaigns.map((campaign) => campaign.id)).size, 20);
      assert.ok(snapshot.campaigns.every((campaign) => campaign.ads.length > 0));
      assert.equal(snapshot.placements.length, 8);
      assert.ok(snapshot.featureSwitches.length > 0);
    } finally {
      await client.$close();
    }
  });

  it('answers the admin key too, and refuses no key, an unknown key and an advertiser key', async () => {
    const admin = clientWith(seed.adminKey);
    const anonymous = clientWith(undefined);
    const unknown = clientWith('ads_not-a-key-of-this-database');
    try {
      const page = await admin.inventory.snapshot({ limit: 1 });
      assert.equal(page.campaigns.length, 1);
      await assertRefused(anonymous.inventory.snapshot({}), 'UNAUTHORIZED');
      await assertRefused(unknown.inventory.snapshot({}), 'UNAUTHORIZED');

      const advertiserKey = await createApiKey(database!.url, 'advertiser', {
        name: 'harness advertiser',
        advertiserId: page.campaigns[0]!.advertiserId,
      });
      const advertiser = clientWith(advertiserKey);
      try {
        await assertRefused(advertiser.inventory.snapshot({}), 'FORBIDDEN');
      } finally {
        await advertiser.$close();
      }
    } finally {
      await Promise.all([admin.$close(), anonymous.$close(), unknown.$close()]);
    }
  });

  it('creates service keys that the running server accepts at once', async () => {
    const serviceKey = await createApiKey(database!.url, 'service', { name: 'harness service' });
    const client = clientWith(serviceKey);
    try {
      const answer = await client.stats.query({ level: 'campaign', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' });
      assert.deepEqual(answer.series, []);
    } finally {
      await client.$close();
    }
  });
});
