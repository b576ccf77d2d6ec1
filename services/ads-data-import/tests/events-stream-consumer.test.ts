// The roll-up's Redis side against a real Redis: consumer group, own pending list, claiming a
// dead consumer's batch whole, and trimming what every group acknowledged.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RedisKeys } from '@ads/ads-client';
import { waitFor } from '@ads/test-kit';
import { Redis } from 'ioredis';
import { EventsStreamConsumer } from '../src/store/events-stream-consumer';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys = new RedisKeys(`test:${randomUUID()}:`);
let stream: EventsStreamConsumer;

async function append(count: number): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (let index = 0; index < count; index += 1) pipeline.xadd(keys.eventsStream, '*', 'event', JSON.stringify({ index }));
  return (await pipeline.exec())!.map(([, id]) => id as string);
}

/** Waits until every entry pending in the group has been idle over `ms` by Redis's clock, so a claim with that minimum may take it. */
async function pendingIdleOver(ms: number): Promise<void> {
  const idle = async () => ((await redis.call('XPENDING', keys.eventsStream, 'rollup-test', '-', '+', '100')) as [string, string, number, number][]).every(([, , idleMs]) => idleMs > ms);
  await waitFor(idle, `the pending entries to be idle over ${ms} ms`, { timeoutMs: 5_000, intervalMs: 5 });
}

/** Waits until every consumer of the group has been idle over `ms` by Redis's clock. */
async function consumersIdleOver(ms: number): Promise<void> {
  const idle = async () => ((await redis.call('XINFO', 'CONSUMERS', keys.eventsStream, 'rollup-test')) as unknown[][]).every((fields) => Number(fields[fields.indexOf('idle') + 1]) > ms);
  await waitFor(idle, `the consumers to be idle over ${ms} ms`, { timeoutMs: 5_000, intervalMs: 5 });
}

before(async () => {
  stream = new EventsStreamConsumer(redis, keys.eventsStream, 'rollup-test');
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
  assert.deepEqual(first.map((entry) => entry.id), ids.slice(0, 4));
  assert.deepEqual(second.map((entry) => entry.id), ids.slice(4, 8));
  assert.deepEqual(third.map((entry) => entry.id), ids.slice(8));
  assert.deepEqual(first[0]!.fields, ['event', '{"index":0}']);
  assert.equal((await stream.readNew('a', 4)).length, 0);
  // A consumer's own pending list is exactly its unacknowledged batch.
  assert.deepEqual((await stream.readOwnPending('b')).map((entry) => entry.id), ids.slice(4, 8));
  await stream.ack([...first, ...second, ...third].map((entry) => entry.id));
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
  for (const claim of winners) await stream.ack(claim!.entries.map((entry) => entry.id));
  // Whatever is left (dead-2's batch, when both claimers took dead-1's) is claimed whole as well.
  await pendingIdleOver(50);
  for (let claim = await stream.claimStaleBatch('live-3', 50); claim !== undefined; claim = await stream.claimStaleBatch('live-3', 50)) {
    assert.deepEqual(claim.entries.map((entry) => entry.id), ids.slice(3));
    // The claimer now owns it as its own pending batch, so a restart of the claimer redoes the same set.
    assert.deepEqual((await stream.readOwnPending('live-3')).map((entry) => entry.id), ids.slice(3));
    await stream.ack(claim.entries.map((entry) => entry.id));
  }
  assert.equal((await stream.backlog()).pending, 0);
});

test('a batch trimmed while pending keeps every id it was delivered with, own or claimed', async () => {
  const ids = await append(5);
  await stream.readNew('trimmed-owner', 5);
  // As serving's MAXLEN cap would: the two oldest entries go while they are pending.
  await redis.call('XDEL', keys.eventsStream, ids[0]!, ids[1]!);
  const expected = ids.map((id, index) => ({ id, fields: index < 2 ? null : ['event', JSON.stringify({ index })] }));
  assert.deepEqual(await stream.readOwnPending('trimmed-owner'), expected);

  await pendingIdleOver(10);
  const claim = await stream.claimStaleBatch('trimmed-claimer', 10);
  assert.deepEqual(claim, { from: 'trimmed-owner', entries: expected, moved: false });
  // Not moved: XCLAIM would have dropped the deleted ids, so the batch stays listed whole on its owner.
  const listed = (await redis.call('XPENDING', keys.eventsStream, 'rollup-test', '-', '+', '10')) as [string, string][];
  assert.deepEqual(listed.map(([id, owner]) => [id, owner]), ids.map((id) => [id, 'trimmed-owner']));
  // A slot already redoing that batch in place makes the claimer look past it.
  assert.equal(await stream.claimStaleBatch('trimmed-claimer', 10, new Set(['trimmed-owner'])), undefined);
  await stream.ack(ids);
  assert.equal((await stream.backlog()).pending, 0);
});

test('a whole stale batch is moved to its claimer, which then redoes the same ids', async () => {
  const ids = await append(3);
  await stream.readNew('whole-owner', 3);
  await pendingIdleOver(10);
  const claim = await stream.claimStaleBatch('whole-claimer', 10);
  assert.equal(claim?.moved, true);
  assert.deepEqual(claim?.entries.map((entry) => entry.id), ids);
  // Trimmed after the move: the claimer's own pending list still names all three.
  await redis.call('XDEL', keys.eventsStream, ids[0]!);
  assert.deepEqual((await stream.readOwnPending('whole-claimer')).map((entry) => [entry.id, entry.fields === null]), ids.map((id, index) => [id, index === 0]));
  await stream.ack(ids);
});

test('a consumer’s own stale batch is not claimed from itself', async () => {
  await append(2);
  await stream.readNew('self', 2);
  await pendingIdleOver(10);
  assert.equal(await stream.claimStaleBatch('self', 10), undefined);
  await stream.ack((await stream.readOwnPending('self')).map((entry) => entry.id));
});

test('trimming drops only what every group acknowledged', async () => {
  const other = new EventsStreamConsumer(redis, keys.eventsStream, 'another-group');
  await redis.call('XGROUP', 'CREATE', keys.eventsStream, 'another-group', '$');
  const ids = await append(5);
  await stream.ack((await stream.readNew('a', 5)).map((entry) => entry.id));
  const partly = await other.readNew('x', 2);
  await stream.trimConsumed(false);
  // another-group has two pending and three undelivered: nothing of it may go.
  assert.deepEqual((await redis.xrange(keys.eventsStream, '-', '+')).map(([id]) => id).slice(-5), ids);
  await other.ack(partly.map((entry) => entry.id));
  await other.ack((await other.readNew('x', 3)).map((entry) => entry.id));
  const unread = await append(1);
  await stream.trimConsumed(false);
  // Everything both groups acknowledged went; the entry neither has read yet stays.
  assert.deepEqual((await redis.xrange(keys.eventsStream, '-', '+')).map(([id]) => id), unread);
  await redis.call('XGROUP', 'DESTROY', keys.eventsStream, 'another-group');
  await stream.ack((await stream.readNew('a', 5)).map((entry) => entry.id));
});

test('idle consumers with nothing pending are forgotten, others kept', async () => {
  await append(2);
  await stream.ack((await stream.readNew('gone', 1)).map((entry) => entry.id));
  await stream.readNew('busy', 1);
  await consumersIdleOver(10);
  const removed = await stream.removeIdleConsumers(10, new Set(['a']));
  assert.ok(removed.includes('gone'));
  assert.ok(!removed.includes('busy'));
  assert.ok(!removed.includes('a'));
  await stream.ack((await stream.readOwnPending('busy')).map((entry) => entry.id));
});
