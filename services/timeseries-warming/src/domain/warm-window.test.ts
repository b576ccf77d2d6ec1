import assert from 'node:assert/strict';
import { test } from 'node:test';
import { warmWindow } from './warm-window';

test('the window is whole UTC days back and ends with the current hour', () => {
  const window = warmWindow(Date.parse('2026-03-10T15:20:00Z'), 3);
  assert.equal(new Date(window.fromMs).toISOString(), '2026-03-08T00:00:00.000Z');
  assert.equal(new Date(window.toMs).toISOString(), '2026-03-10T16:00:00.000Z');
  assert.deepEqual(
    window.dayStartsMs.map((day) => new Date(day).toISOString().slice(0, 10)),
    ['2026-03-08', '2026-03-09', '2026-03-10'],
  );
});

test('one day is today so far', () => {
  const window = warmWindow(Date.parse('2026-03-10T00:05:00Z'), 1);
  assert.equal(new Date(window.fromMs).toISOString(), '2026-03-10T00:00:00.000Z');
  assert.equal(window.toMs - window.fromMs, 3_600_000);
});
