// The event tracker while Redis is away, against a real Redis server that is not there yet:
// beacons are buffered up to the buffer's capacity and refused as dropped beyond it (memory
// stays bounded), a replay is refused from memory, and once a private redis-server starts
// on that port the buffered events, and only those, reach the events stream.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { freePort, waitFor } from '@ads/test-kit';
import { RedisKeys, decodeTrackingEvent } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { TrackingSigner, type TrackingClaims } from '../src/domain/tracking-url';
import { EventTracker } from '../src/app/event-tracker';
import { IndexLifecycle } from '../src/app/index-lifecycle';
import { EventRecorder } from '../src/store/event-recorder';
import { FrequencyCapCache } from '../src/store/frequency-cap-cache';

const keys = new RedisKeys('test:tracker:');
const logger = pino({ level: 'silent' });
const signer = new TrackingSigner('a-test-secret-that-is-long-enough-000');
let redisServer: ChildProcess | undefined;
let redis: Redis | undefined;

after(async () => {
  redis?.disconnect();
  if (redisServer !== undefined && redisServer.exitCode === null) {
    redisServer.kill();
    await once(redisServer, 'exit');
  }
});

function impressionToken(decisionId: string): string {
  const claims: TrackingClaims = {
    decisionId,
    adId: 'ad-1',
    campaignId: 'campaign-1',
    advertiserId: 'advertiser-1',
    placementKey: 'home-top',
    userKey: 'tracker-user-1',
    impressionSpendMicros: 1_000,
    clickSpendMicros: 0,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  return signer.token(claims);
}

test('Redis away: events are buffered up to capacity, then dropped; the buffered ones arrive when Redis starts', async () => {
  const port = await freePort();
  redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 100 });
  redis.on('error', () => undefined);
  const lifecycle = new IndexLifecycle({
    redis,
    subscriber: redis,
    keys,
    logger,
    metrics: undefined,
    indexPollMs: 60_000,
    pacingRefreshMs: 60_000,
    retiredAdsMs: 3_600_000,
  });
  const tracker = new EventTracker({
    redis,
    recorder: new EventRecorder(redis, keys, 0),
    lifecycle,
    frequencyCaps: new FrequencyCapCache({ freshMs: 5_000, maxEntries: 100 }),
    signer,
    metrics: undefined,
    logger,
    bufferSize: 2,
  });
  tracker.start();
  try {
    assert.equal((await tracker.track('impression', impressionToken('decision-1'))).kind, 'buffered');
    assert.equal((await tracker.track('impression', impressionToken('decision-2'))).kind, 'buffered');
    assert.equal((await tracker.track('impression', impressionToken('decision-3'))).kind, 'dropped', 'the buffer is full');
    assert.equal(tracker.bufferSize, 2);
    assert.equal((await tracker.track('impression', impressionToken('decision-1'))).kind, 'duplicate', 'a replay is refused from memory');

    redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitFor(() => tracker.bufferSize === 0, 'the buffer to be flushed once Redis is ready', { timeoutMs: 10_000 });
    const entries = await redis.xrange(keys.eventsStream, '-', '+');
    const decisions = entries
      .map(([, fields]) => decodeTrackingEvent(fields))
      .map((decoded) => (decoded.ok ? decoded.event.decisionId : 'undecodable'));
    assert.deepEqual(decisions, ['decision-1', 'decision-2'], 'the dropped event never reaches the stream');
  } finally {
    await tracker.stop();
  }
});
