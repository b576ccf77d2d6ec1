// A REST app over a fresh migrated database and the real Redis (unique key prefix), with
// API keys of each role, for supertest.
import { randomUUID } from 'node:crypto';

import type { Express } from 'express';
import { Redis } from 'ioredis';
import { RedisKeys } from '@ads/ads-client';

import { loadConfig } from '../../src/config';
import { createApp } from '../../src/http/data-api-app';
import { testLogger } from './test-logger';
import { issueApiKeySecret } from '../../src/domain/api-key-secret';
import type { PrismaClient } from '../../src/store/prisma-client';
import { createTestDatabase, type MigratedTestDatabase } from './test-database';

export interface RestFixture {
  database: MigratedTestDatabase;
  prisma: PrismaClient;
  redis: Redis;
  keys: RedisKeys;
  app: Express;
  adminKey: string;
  adminKeyId: string;
  serviceKey: string;
  /** Creates an advertiser key; returns its secret and id. */
  advertiserKey(advertiserId: string): Promise<{ secret: string; id: string }>;
  /** Drops the database, deletes this fixture's Redis keys, closes connections. */
  close(): Promise<void>;
}

async function insertKey(prisma: PrismaClient, role: 'admin' | 'service' | 'advertiser', advertiserId: string | null = null) {
  const issued = issueApiKeySecret();
  const row = await prisma.apiKey.create({
    data: { name: `test ${role}`, role, advertiserId, prefix: issued.prefix, hash: issued.hash },
  });
  return { secret: issued.secret, id: row.id };
}

/** Deletes every key under a prefix (SCAN, so it never blocks Redis). */
export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== '0');
}

export async function createRestFixture(): Promise<RestFixture> {
  const database = await createTestDatabase();
  const prefix = `test:${randomUUID()}:`;
  const config = loadConfig();
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  const keys = new RedisKeys(prefix);
  const app = createApp({ prisma: database.prisma, redis, keys, config: { ...config, redisKeyPrefix: prefix }, logger: testLogger });
  const admin = await insertKey(database.prisma, 'admin');
  const service = await insertKey(database.prisma, 'service');
  return {
    database,
    prisma: database.prisma,
    redis,
    keys,
    app,
    adminKey: admin.secret,
    adminKeyId: admin.id,
    serviceKey: service.secret,
    advertiserKey: (advertiserId) => insertKey(database.prisma, 'advertiser', advertiserId),
    async close() {
      await deleteRedisPrefix(redis, prefix).catch(() => undefined);
      redis.disconnect();
      await database.drop();
    },
  };
}

/** `Authorization` header value of a key. */
export function bearer(secret: string): string {
  return `Bearer ${secret}`;
}

/** A campaign body that passes validation, with overrides. */
export function campaignBody(advertiserId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const day = 86_400_000;
  return {
    advertiserId,
    name: 'Spring Sale',
    flightStart: new Date(Date.now() - day).toISOString(),
    flightEnd: new Date(Date.now() + 30 * day).toISOString(),
    totalBudget: 500_000,
    dailyBudget: 20_000,
    bidAmount: 250,
    ...overrides,
  };
}

/** An ad body that passes validation, with overrides. */
export function adBody(campaignId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    campaignId,
    format: 'native',
    title: 'Trail shoes, 30% off',
    body: 'Light, grippy, waterproof.',
    clickUrl: 'https://shop.example/trail',
    ...overrides,
  };
}

/** The ETag of an answer; fails the test when there is none. */
export function etagOf(response: { headers: Record<string, string | undefined> }): string {
  const etag = response.headers.etag;
  if (etag === undefined) throw new Error('the answer has no ETag');
  return etag;
}
