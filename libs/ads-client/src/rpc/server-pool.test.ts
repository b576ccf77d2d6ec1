import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerPool } from './server-pool.js';

test('round-robin visits every server in turn', () => {
  const pool = new ServerPool(['a', 'b', 'c']);
  assert.deepEqual([pool.pick(), pool.pick(), pool.pick(), pool.pick()], [0, 1, 2, 0]);
});

test('an ejected server is skipped until its cool-down ends, then re-admitted', () => {
  let now = 1_000;
  const pool = new ServerPool(['a', 'b'], 500, () => now);
  pool.eject(0);
  assert.deepEqual([pool.pick(), pool.pick(), pool.pick()], [1, 1, 1]);
  now += 501;
  const picks = new Set([pool.pick(), pool.pick()]);
  assert.deepEqual([...picks].sort(), [0, 1]);
});

test('with every server ejected the one whose cool-down ends first is tried', () => {
  let now = 0;
  const pool = new ServerPool(['a', 'b'], 1_000, () => now);
  pool.eject(1);
  now = 10;
  pool.eject(0);
  assert.equal(pool.pick(), 1);
  assert.equal(pool.pick(new Set([1])), 0);
  assert.equal(pool.pick(new Set([0, 1])), undefined);
});

test('a pool without servers is refused', () => {
  assert.throws(() => new ServerPool([]), /at least one URL/);
});
