// The RPC of ads-data-api on a real listening server over a fresh migrated database, called
// through the typed client of @ads/ads-client, as the platform's processes call it.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

import { Redis } from 'ioredis';
import { RedisKeys, RpcError, createRpcClient, dataApiContract, type TypedRpcClient, type DataApiContract } from '@ads/ads-client';
import assert from 'node:assert/strict';

import { createApp } from '../../src/http/data-api-app';
import { loadConfig } from '../../src/config';
import { issueApiKeySecret } from '../../src/domain/api-key-secret';
import { createDataApiRpcServer } from '../../src/http/data-api-rpc-server';
import { testLogger } from './test-logger';
import { createTestDatabase, type MigratedTestDatabase } from './test-database';

export interface RpcTestServer {
  database: MigratedTestDatabase;
  redis: Redis;
  keys: RedisKeys;
  rpcUrl: string;
  serviceKey: { id: string; secret: string };
  adminKey: { id: string; secret: string };
  /** The role feed imports write with. */
  importerKey: { id: string; secret: string };
  /** A typed client with this token (the service key by default); closed by `close()`. */
  client(token?: string): TypedRpcClient<DataApiContract>;
  close(): Promise<void>;
}

/** Creates a key row directly and returns its id and secret. */
export async function insertApiKey(
  database: MigratedTestDatabase,
  role: 'admin' | 'service' | 'importer' | 'advertiser',
  options: { advertiserId?: string; revoked?: boolean } = {},
): Promise<{ id: string; secret: string }> {
  const issued = issueApiKeySecret();
  const row = await database.prisma.apiKey.create({
    data: {
      name: `test ${role}`,
      role,
      advertiserId: options.advertiserId ?? null,
      prefix: issued.prefix,
      hash: issued.hash,
      revokedAt: options.revoked ? new Date() : null,
    },
  });
  return { id: row.id, secret: issued.secret };
}

export async function startRpcTestServer(): Promise<RpcTestServer> {
  const database = await createTestDatabase();
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const keys = new RedisKeys(`test:${randomUUID()}:`);
  const dependencies = {
    prisma: database.prisma,
    redis,
    keys,
    config: loadConfig({ DATABASE_URL: database.url, NODE_ENV: 'test' }),
    logger: testLogger,
  };
  const app = createApp(dependencies, { rpcServer: createDataApiRpcServer(dependencies) });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const rpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`;
  const serviceKey = await insertApiKey(database, 'service');
  const adminKey = await insertApiKey(database, 'admin');
  const importerKey = await insertApiKey(database, 'importer');
  const clients: TypedRpcClient<DataApiContract>[] = [];
  return {
    database,
    redis,
    keys,
    rpcUrl,
    serviceKey,
    adminKey,
    importerKey,
    client(token = serviceKey.secret) {
      const client = createRpcClient(dataApiContract, { urls: [rpcUrl], token, timeoutMs: 60_000 });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((client) => client.$close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
      await database.drop();
    },
  };
}

/** Asserts that a call fails with an RPC error of `code`; returns the error for more checks. */
export async function rejectsWith(call: Promise<unknown>, code: RpcError['code']): Promise<RpcError> {
  let caught: unknown;
  await assert.rejects(call, (error: unknown) => {
    caught = error;
    assert.ok(error instanceof RpcError, `expected an RpcError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
  return caught as RpcError;
}
