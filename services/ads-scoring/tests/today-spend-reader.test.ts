// Reading today's spend from a real Redis: a damaged warmed bucket costs only its campaign's
// series (with a warning), and a connection lost mid-run is REDIS_UNAVAILABLE (exit 4).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { RedisKeys, localDay, timeSeriesField } from '@ads/ads-client';
import { EXIT_CODES, connectRedis } from '@ads/ads-client/service';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { ScoringError } from '../src/errors';
import { readTodaySpend } from '../src/store/today-spend-reader';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);
const nowMs = Date.parse('2026-03-10T15:30:00Z');
const point = (spendMicros: number) => JSON.stringify({ impressions: 10, viewableImpressions: 8, clicks: 1, spendMicros, ctr: 0.1 });

after(async () => {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

test('a malformed bucket of one campaign is skipped with a warning; the others are read', async () => {
  const good = keys.timeSeries('campaign', 'c-good', 'hour');
  const bad = keys.timeSeries('campaign', 'c-bad', 'hour');
  await redis.hset(good, timeSeriesField('2026-03-10T09:00:00Z'), point(1_000), timeSeriesField('2026-03-10T14:00:00Z'), point(2_000));
  await redis.hset(
    bad,
    timeSeriesField('2026-03-10T09:00:00Z'),
    point(5_000),
    timeSeriesField('2026-03-10T10:00:00Z'),
    '{"spendMicros":"lots"',
  );
  await redis.set(keys.campaignDaySpend('c-bad', localDay(nowMs, 'UTC').day), '7000');
  const { logger, lines } = capturingLogger();
  const spend = await readTodaySpend(
    redis,
    keys,
    [
      { id: 'c-good', timeZone: 'UTC' },
      { id: 'c-bad', timeZone: 'UTC' },
    ],
    nowMs,
    logger,
  );
  assert.equal(spend.get('c-good')!.seriesMicros, 3_000);
  assert.equal(spend.get('c-bad')!.seriesMicros, 0);
  assert.equal(spend.get('c-bad')!.counterMicros, 7_000, 'the counter of the campaign is still read');
  const warning = lines.find((line) => line.campaignId === 'c-bad');
  assert.ok(warning !== undefined, JSON.stringify(lines));
  assert.equal(warning.key, bad);
  assert.equal(lines.length, 1);
});

test('a series key of the wrong type is skipped like a malformed bucket', async () => {
  await redis.set(keys.timeSeries('campaign', 'c-string', 'hour'), 'not a hash');
  const { logger, lines } = capturingLogger();
  const spend = await readTodaySpend(redis, keys, [{ id: 'c-string', timeZone: 'UTC' }], nowMs, logger);
  assert.equal(spend.get('c-string')!.seriesMicros, 0);
  assert.equal(lines.length, 1);
});

test('Redis lost after connecting ends with REDIS_UNAVAILABLE (exit code 4)', async () => {
  // A TCP relay to the real Redis, closed mid-run as a Redis going away would.
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(Number(new URL(redisUrl).port || 6379), new URL(redisUrl).hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((done) => relay.listen(0, '127.0.0.1', done));
  const { port } = relay.address() as { port: number };
  const { logger } = capturingLogger();
  const relayed = await connectRedis('command', { url: `redis://127.0.0.1:${port}`, name: 'today-spend-reader-test', logger });
  try {
    assert.equal(await relayed.ping(), 'PONG');
    await new Promise<void>((done) => relay.close(() => done()) && sockets.forEach((socket) => socket.destroy()));
    await assert.rejects(
      readTodaySpend(relayed, keys, [{ id: 'c-good', timeZone: 'UTC' }], nowMs, logger),
      (error: unknown) =>
        error instanceof ScoringError && error.code === 'REDIS_UNAVAILABLE' && error.exitCode === EXIT_CODES.redisUnavailable,
    );
  } finally {
    relayed.disconnect();
  }
});
