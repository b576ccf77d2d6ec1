import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareStreamIds, nextStreamId, streamIdRange } from './stream-id.js';

test('stream ids compare by time, then sequence, exactly beyond 2^53', () => {
  assert.ok(compareStreamIds('1-0', '2-0') < 0);
  assert.ok(compareStreamIds('10-0', '9-99') > 0);
  assert.ok(compareStreamIds('5-2', '5-10') < 0);
  assert.equal(compareStreamIds('5-2', '5-2'), 0);
  assert.ok(compareStreamIds('1-18446744073709551614', '1-18446744073709551615') < 0);
});

test('the next id follows in the same millisecond', () => {
  assert.equal(nextStreamId('1700000000000-0'), '1700000000000-1');
  assert.equal(nextStreamId('1-18446744073709551614'), '1-18446744073709551615');
});

test('a range is found in any order and a bad id is refused', () => {
  assert.deepEqual(streamIdRange(['5-1', '3-9', '5-0', '4-0']), { first: '3-9', last: '5-1' });
  assert.throws(() => streamIdRange([]), RangeError);
  assert.throws(() => compareStreamIds('abc', '1-0'), /not a stream id/);
});

test('ids of different lengths compare by value, not as text', () => {
  assert.ok(compareStreamIds('999-0', '1000-0') < 0);
  assert.ok(compareStreamIds('5-10', '5-9') > 0);
  assert.ok(compareStreamIds('18446744073709551615-0', '9-0') > 0);
  assert.throws(() => compareStreamIds('01-0', '1-0'), /not a stream id/);
});
