import assert from 'node:assert/strict';
import { test } from 'node:test';
import { biggestMovers } from './score-movers';

const score = (eCpmMicros: number, pacingFactor = 1) => ({ pCtr: 0.01, eCpmMicros, pacingFactor });

test('movers are ranked by the size of the change, either way', () => {
  const before = new Map([
    ['steady', score(1_000_000)],
    ['doubled', score(1_000_000)],
    ['crashed', score(1_000_000)],
    ['gone', score(1_000_000)],
  ]);
  const after = new Map([
    ['steady', score(1_000_000)],
    ['doubled', score(2_000_000)],
    ['crashed', score(1_000_000, 0.1)],
    ['new', score(5_000_000)],
  ]);
  const moves = biggestMovers(before, after, 10);
  assert.deepEqual(
    moves.movers.map((move) => move.adId),
    ['crashed', 'doubled'],
  );
  assert.ok(Math.abs(moves.movers[1]!.change - 1) < 1e-6);
  assert.deepEqual([moves.added, moves.removed], [1, 1]);
});

test('without a previous version every ad is new', () => {
  assert.deepEqual(biggestMovers(null, new Map([['a', score(1)]]), 5), { movers: [], added: 1, removed: 0 });
});
