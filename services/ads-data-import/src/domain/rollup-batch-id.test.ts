import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rollupBatchId } from './rollup-batch-id';

test('the same entries give the same batch id, whatever their order', () => {
  const ids = ['1700000000000-0', '1700000000000-1', '1700000000005-0'];
  assert.equal(rollupBatchId('ads:events', ids), rollupBatchId('ads:events', [...ids].reverse()));
});

test('the id names the range and count, and fits the ingest limit', () => {
  const id = rollupBatchId('ads:events', ['1700000000000-0', '1700000000005-3']);
  assert.match(id, /^rollup:[0-9a-f]{12}:1700000000000-0:1700000000005-3:2$/);
  assert.ok(rollupBatchId('x'.repeat(500), ['18446744073709551615-18446744073709551615']).length <= 200);
});

test('another cut of the stream, or another stream, gives another id', () => {
  const ids = ['1-0', '2-0', '3-0'];
  assert.notEqual(rollupBatchId('ads:events', ids), rollupBatchId('ads:events', ['1-0', '3-0']));
  assert.notEqual(rollupBatchId('ads:events', ids), rollupBatchId('test:1:events', ids));
});
