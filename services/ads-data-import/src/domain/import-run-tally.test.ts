import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImportRunTally } from './import-run-tally';

test('counts add up and the status follows the refused rows', () => {
  const tally = new ImportRunTally(10);
  assert.equal(tally.status(), 'succeeded');
  tally.rowRead();
  tally.rowUpserted('created');
  tally.rowRead();
  tally.rowUpserted('unchanged');
  assert.equal(tally.status(), 'succeeded');
  tally.rowRead();
  tally.rowRefused([{ line: 4, field: 'ad_title', message: 'is required' }]);
  assert.equal(tally.status(), 'partially_succeeded');
  assert.deepEqual(tally.snapshot(), {
    total: 3,
    created: 1,
    updated: 0,
    unchanged: 1,
    failed: 1,
    errors: [{ line: 4, field: 'ad_title', message: 'is required' }],
  });
});

test('a feed whose every row is refused, or that failed as a whole, failed', () => {
  const refused = new ImportRunTally(10);
  refused.rowRead();
  refused.rowRefused([{ line: 2, field: 'x', message: 'bad' }]);
  assert.equal(refused.status(), 'failed');
  const broken = new ImportRunTally(10);
  broken.feedFailed([{ line: 1, field: 'ad_titel', message: 'is not a feed column' }]);
  assert.equal(broken.status(), 'failed');
  assert.equal(broken.snapshot().failed, 0);
  assert.equal(broken.snapshot().errors.length, 1);
});

test('stored errors are capped, counts are not', () => {
  const tally = new ImportRunTally(2);
  for (let line = 2; line < 7; line += 1) {
    tally.rowRead();
    tally.rowRefused([{ line, field: 'ad_title', message: 'is required' }]);
  }
  const snapshot = tally.snapshot();
  assert.equal(snapshot.failed, 5);
  assert.equal(snapshot.errors.length, 3);
  assert.match(snapshot.errors[2]!.message, /3 more errors/);
});

test('a stored error carries at most a bounded piece of what it quotes', () => {
  const tally = new ImportRunTally(10);
  tally.rowRead();
  tally.rowRefused([{ line: 2, field: 'x'.repeat(10_000), message: `must be a whole number, got "${'9'.repeat(10_000)}"` }]);
  tally.feedFailed([{ line: 0, field: '(feed)', message: 'y'.repeat(50_000) }]);
  for (const error of tally.snapshot().errors) {
    assert.ok(error.field.length <= 200, `field of ${error.field.length}`);
    assert.ok(error.message.length <= 1_000, `message of ${error.message.length}`);
  }
});
