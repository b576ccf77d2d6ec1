import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEED_COLUMNS } from './feed-columns';
import { checkFeedHeader } from './feed-header';

const required = FEED_COLUMNS.filter((column) => column.required).map((column) => column.name);

test('a header with every required column passes; optional ones may be left out', () => {
  assert.deepEqual(checkFeedHeader(required), []);
  assert.deepEqual(checkFeedHeader(FEED_COLUMNS.map((column) => column.name)), []);
});

test('unknown, repeated and missing columns are each named', () => {
  const problems = checkFeedHeader([...required.filter((name) => name !== 'ad_click_url'), 'ad_titel', 'ad_title']);
  assert.deepEqual(
    problems.map((problem) => [problem.line, problem.field]),
    [
      [1, 'ad_titel'],
      [1, 'ad_title'],
      [1, 'ad_click_url'],
    ],
  );
  assert.match(problems[0]!.message, /not a feed column/);
  assert.match(problems[1]!.message, /twice/);
  assert.match(problems[2]!.message, /required/);
});

test('a first line naming no feed column is not a feed header, and is not repeated; unknown names are bounded', () => {
  const problems = checkFeedHeader(['root:x:0:0:root:/root:/bin/bash']);
  assert.deepEqual(
    problems.map((problem) => problem.field),
    ['(header)'],
  );
  assert.ok(!JSON.stringify(problems).includes('root'), JSON.stringify(problems));
  const long = checkFeedHeader([...required, 'z'.repeat(5_000)]);
  assert.equal(long.length, 1);
  assert.ok(long[0]!.field.length <= 200);
});
