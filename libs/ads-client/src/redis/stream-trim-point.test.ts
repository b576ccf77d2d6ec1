import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamTrimPoint } from './stream-trim-point.js';

test('without pending entries everything delivered may go', () => {
  assert.equal(streamTrimPoint([{ name: 'rollup', lastDeliveredId: '10-4', oldestPendingId: undefined }]), '10-5');
});

test('a pending entry and everything after it stay', () => {
  assert.equal(streamTrimPoint([{ name: 'rollup', lastDeliveredId: '10-4', oldestPendingId: '7-0' }]), '7-0');
});

test('the slowest group decides', () => {
  assert.equal(
    streamTrimPoint([
      { name: 'a', lastDeliveredId: '10-4', oldestPendingId: undefined },
      { name: 'b', lastDeliveredId: '3-0', oldestPendingId: undefined },
    ]),
    '3-1',
  );
});

test('nothing is trimmed before a group exists or has read anything', () => {
  assert.equal(streamTrimPoint([]), undefined);
  assert.equal(streamTrimPoint([{ name: 'rollup', lastDeliveredId: '0-0', oldestPendingId: undefined }]), undefined);
});
