// The events stream's protocol against a real Redis: appending, the consumer group, one's own
// pending list, claiming a dead consumer's batch whole, trimming what every group acknowledged,
// and the group's position.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { waitFor } from '@ads/test-kit';
import { Redis } from 'ioredis';
import type { TrackingEvent } from '../contracts/serving-contract.js';
import { decodeTrackingEvent } from './events-stream.js';
import { EventsStreamStore } from './events-stream-store.js';
import { RedisKeys } from './redis-keys.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);
const stream = new EventsStreamStore(redis, keys, 'rollup-test');

async function append(count: number): Promise<string[]> {
  return stream.appendFields(Array.from({ length: count }, (_, index) => ['event', JSON.stringify({ index })]));
}

/** Waits until every entry pending in the group has been idle over `ms` by Redis's clock, so a claim with that minimum may take it. */
async function pendingIdleOver(ms: number): Promise<void> {
  const idle = async () => (await stream.pendingEntries()).every(({ idleMs }) => idleMs > ms);
  await waitFor(idle, `the pending entries to be idle over ${ms} ms`, { timeoutMs: 5_000, intervalMs: 5 });
}

/** Waits until every consumer of the group has been idle over `ms` by Redis's clock. */
async function consumersIdleOver(ms: number): Promise<void> {
  const idle = async () =>
    ((await redis.call('XINFO', 'CONSUMERS', keys.eventsStream, 'rollup-test')) as unknown[][]).every(
      (fields) => Number(fields[fields.indexOf('idle') + 1]) > ms,
    );
  await waitFor(idle, `the consumers to be idle over ${ms} ms`, { timeoutMs: 5_000, intervalMs: 5 });
}

before(async () => {
  await stream.ensureGroup();
  await stream.ensureGroup(); // a second worker starting is not an error
});

after(async () => {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  await redis.quit();
});

test('new entries are delivered once across consumers, in contiguous batches', async () => {
  const ids = await append(10);
  const first = await stream.readNew('a', 4);
  const second = await stream.readNew('b', 4);
  const third = await stream.readNew('a-2', 4);
  assert.deepEqual(
    first.map((entry) => entry.id),
    ids.slice(0, 4),
  );
  assert.deepEqual(
    second.map((entry) => entry.id),
    ids.slice(4, 8),
  );
  assert.deepEqual(
    third.map((entry) => entry.id),
    ids.slice(8),
  );
  assert.deepEqual(first[0]!.fields, ['event', '{"index":0}']);
  assert.equal((await stream.readNew('a', 4)).length, 0);
  // A consumer's own pending list is exactly its unacknowledged batch.
  assert.deepEqual(
    (await stream.readOwnPending('b')).map((entry) => entry.id),
    ids.slice(4, 8),
  );
  await stream.acknowledge([...first, ...second, ...third].map((entry) => entry.id));
  assert.deepEqual(await stream.readOwnPending('b'), []);
  assert.deepEqual(await stream.backlog(), { undelivered: 0, pending: 0 });
});

test('a dead consumer’s batch is claimed whole, by one of two racing claimers, only once idle', async () => {
  const ids = await append(6);
  await stream.readNew('dead-1', 3);
  await stream.readNew('dead-2', 3);
  assert.equal(await stream.claimStaleBatch('live', 60_000), undefined, 'fresh entries are not claimed');
  await pendingIdleOver(50);
  const [left, right] = await Promise.all([stream.claimStaleBatch('live-1', 50), stream.claimStaleBatch('live-2', 50)]);
  const winners = [left, right].filter((claim) => claim !== undefined && claim.entries.length > 0);
  // Both may see dead-1 first; exactly one gets it, the other gets nothing or dead-2's batch whole.
  const claimed = winners.map((claim) => claim!.entries.map((entry) => entry.id).join(','));
  assert.ok(claimed.includes(ids.slice(0, 3).join(',')), `dead-1's batch claimed whole: ${claimed.join(' | ')}`);
  for (const batch of claimed) assert.ok(batch === ids.slice(0, 3).join(',') || batch === ids.slice(3).join(','), `no cut batch: ${batch}`);
  for (const claim of winners) await stream.acknowledge(claim!.entries.map((entry) => entry.id));
  // Whatever is left (dead-2's batch, when both claimers took dead-1's) is claimed whole as well.
  await pendingIdleOver(50);
  for (let claim = await stream.claimStaleBatch('live-3', 50); claim !== undefined; claim = await stream.claimStaleBatch('live-3', 50)) {
    assert.deepEqual(
      claim.entries.map((entry) => entry.id),
      ids.slice(3),
    );
    // The claimer now owns it as its own pending batch, so a restart of the claimer redoes the same set.
    assert.deepEqual(
      (await stream.readOwnPending('live-3')).map((entry) => entry.id),
      ids.slice(3),
    );
    await stream.acknowledge(claim.entries.map((entry) => entry.id));
  }
  assert.equal((await stream.backlog()).pending, 0);
});

test('a batch trimmed while pending keeps every id it was delivered with, own or claimed', async () => {
  const ids = await append(5);
  await stream.readNew('trimmed-owner', 5);
  // As serving's MAXLEN cap would: the two oldest entries go while they are pending.
  await redis.xdel(keys.eventsStream, ids[0]!, ids[1]!);
  const expected = ids.map((id, index) => ({ id, fields: index < 2 ? null : ['event', JSON.stringify({ index })] }));
  assert.deepEqual(await stream.readOwnPending('trimmed-owner'), expected);

  await pendingIdleOver(10);
  const claim = await stream.claimStaleBatch('trimmed-claimer', 10);
  assert.deepEqual(claim, { from: 'trimmed-owner', entries: expected, moved: false });
  // Not moved: XCLAIM would have dropped the deleted ids, so the batch stays listed whole on its owner.
  const listed = await stream.pendingEntries();
  assert.deepEqual(
    listed.map(({ id, consumer }) => [id, consumer]),
    ids.map((id) => [id, 'trimmed-owner']),
  );
  // A slot already redoing that batch in place makes the claimer look past it.
  assert.equal(await stream.claimStaleBatch('trimmed-claimer', 10, new Set(['trimmed-owner'])), undefined);
  await stream.acknowledge(ids);
  assert.equal((await stream.backlog()).pending, 0);
});

test('a whole stale batch is moved to its claimer, which then redoes the same ids', async () => {
  const ids = await append(3);
  await stream.readNew('whole-owner', 3);
  await pendingIdleOver(10);
  const claim = await stream.claimStaleBatch('whole-claimer', 10);
  assert.equal(claim?.moved, true);
  assert.deepEqual(
    claim?.entries.map((entry) => entry.id),
    ids,
  );
  // Trimmed after the move: the claimer's own pending list still names all three.
  await redis.xdel(keys.eventsStream, ids[0]!);
  assert.deepEqual(
    (await stream.readOwnPending('whole-claimer')).map((entry) => [entry.id, entry.fields === null]),
    ids.map((id, index) => [id, index === 0]),
  );
  await stream.acknowledge(ids);
});

test('a consumer’s own stale batch is not claimed from itself', async () => {
  await append(2);
  await stream.readNew('self', 2);
  await pendingIdleOver(10);
  assert.equal(await stream.claimStaleBatch('self', 10), undefined);
  await stream.acknowledge((await stream.readOwnPending('self')).map((entry) => entry.id));
});

test('trimming drops only what every group acknowledged', async () => {
  const other = new EventsStreamStore(redis, keys, 'another-group');
  await other.ensureGroup('$');
  const ids = await append(5);
  await stream.acknowledge((await stream.readNew('a', 5)).map((entry) => entry.id));
  const partly = await other.readNew('x', 2);
  await stream.trimAcknowledged(false);
  // another-group has two pending and three undelivered: nothing of it may go.
  assert.deepEqual((await redis.xrange(keys.eventsStream, '-', '+')).map(([id]) => id).slice(-5), ids);
  await other.acknowledge(partly.map((entry) => entry.id));
  await other.acknowledge((await other.readNew('x', 3)).map((entry) => entry.id));
  const unread = await append(1);
  await stream.trimAcknowledged(false);
  // Everything both groups acknowledged went; the entry neither has read yet stays.
  assert.deepEqual(
    (await redis.xrange(keys.eventsStream, '-', '+')).map(([id]) => id),
    unread,
  );
  await other.destroyGroup();
  await stream.acknowledge((await stream.readNew('a', 5)).map((entry) => entry.id));
});

test('idle consumers with nothing pending are forgotten, others kept', async () => {
  await append(2);
  await stream.acknowledge((await stream.readNew('gone', 1)).map((entry) => entry.id));
  await stream.readNew('busy', 1);
  await consumersIdleOver(10);
  const removed = await stream.removeIdleConsumers(10, new Set(['a']));
  assert.ok(removed.includes('gone'));
  assert.ok(!removed.includes('busy'));
  assert.ok(!removed.includes('a'));
  await stream.acknowledge((await stream.readOwnPending('busy')).map((entry) => entry.id));
});

test('tracking events are appended in the shared encoding; a cap trims pending entries too', async () => {
  const event: TrackingEvent = {
    type: 'click',
    eventId: 'e-1',
    decisionId: 'd-1',
    adId: 'ad-1',
    campaignId: 'c-1',
    advertiserId: 'adv-1',
    placementKey: 'home',
    userKey: 'u-1',
    at: Date.UTC(2026, 0, 1),
    spendMicros: 1_000,
  };
  const capped = new EventsStreamStore(redis, new RedisKeys(`${keys.prefix}capped:`), 'capped-group');
  const ids = await capped.append([event, { ...event, eventId: 'e-2' }, { ...event, eventId: 'e-3' }]);
  assert.equal(ids.length, 3);
  assert.equal(await capped.length(), 3);
  await capped.ensureGroup();
  const read = await capped.readNew('reader', 10);
  assert.deepEqual(
    read.map((entry) => decodeTrackingEvent(entry.fields)),
    ['e-1', 'e-2', 'e-3'].map((eventId) => ({ ok: true, event: { ...event, eventId } })),
  );
  assert.equal(await capped.pendingCount(), 3);
  assert.equal(await capped.trim({ maxLength: 1 }), 2);
  assert.equal(await capped.trim({ minId: ids[2]! }), 0);
  // Still pending: a trim does not acknowledge.
  assert.deepEqual(
    (await capped.readOwnPending('reader')).map((entry) => entry.fields === null),
    [true, true, false],
  );
  assert.equal(await capped.acknowledge(ids), 3);
});

test('the group’s position: newest entry, oldest left, last delivered; nothing without a group', async () => {
  const positioned = new EventsStreamStore(redis, new RedisKeys(`${keys.prefix}position:`), 'position-group');
  assert.equal(await positioned.position(), undefined, 'no stream');
  for (const id of ['1000-0', '2000-0', '3000-0']) await positioned.appendFields([['event', '{}']], id);
  assert.equal(await positioned.position(), undefined, 'no group');
  await positioned.ensureGroup('1000-0');
  assert.deepEqual(await positioned.position(), { lastGeneratedId: '3000-0', firstEntryId: '1000-0', lastDeliveredId: '1000-0' });
  assert.deepEqual(await positioned.backlog(), { undelivered: 2, pending: 0 });
  await positioned.readNew('reader', 10);
  await positioned.trim({ maxLength: 0 });
  assert.deepEqual(await positioned.position(), { lastGeneratedId: '3000-0', firstEntryId: undefined, lastDeliveredId: '3000-0' });
});
