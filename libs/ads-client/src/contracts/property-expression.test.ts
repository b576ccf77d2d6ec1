import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inventory } from '../index.js';
import { checkPagePropertiesFast, pageProperties, slotProperties } from './page-properties.js';
import { evaluatePropertyExpression } from './property-expression-evaluator.js';
import { parsePropertyExpression, printPropertyExpression, type PropertyExpression } from './property-expression.js';

function parsed(text: string): PropertyExpression {
  const result = parsePropertyExpression(text);
  if (!result.ok) assert.fail(`${text}: ${result.fault.message}`);
  return result.expression;
}

test('the example of the issue parses with AND tighter than OR, and prints back canonically', () => {
  const expression = parsed('section = "sports" and (article_tags IN ("nba","nfl") OR NOT logged_in) AND word_count >= 500');
  assert.deepEqual(expression, {
    kind: 'and',
    operands: [
      { kind: 'compare', key: 'section', op: '=', value: 'sports' },
      {
        kind: 'or',
        operands: [
          { kind: 'in', key: 'article_tags', values: ['nba', 'nfl'] },
          { kind: 'not', operand: { kind: 'is-true', key: 'logged_in' } },
        ],
      },
      { kind: 'compare', key: 'word_count', op: '>=', value: 500 },
    ],
  });
  assert.equal(
    printPropertyExpression(expression),
    'section = "sports" AND (article_tags IN ("nba", "nfl") OR NOT logged_in) AND word_count >= 500',
  );
  assert.deepEqual(parsed('a OR b AND c'), {
    kind: 'or',
    operands: [
      { kind: 'is-true', key: 'a' },
      {
        kind: 'and',
        operands: [
          { kind: 'is-true', key: 'b' },
          { kind: 'is-true', key: 'c' },
        ],
      },
    ],
  });
  assert.deepEqual(parsed('has author'), { kind: 'has', key: 'author' });
});

test('a refused expression names the line, column and what was expected', () => {
  const cases: [string, number, number, RegExp][] = [
    ['section = ', 1, 11, /expected a value .*found end of expression/],
    ['section = "sports" AND (x = 1', 1, 30, /expected AND, OR or "\)"/],
    ['word_count >= "500"', 1, 15, /expected a number after ">="/],
    ['section = "sports"\n  AND Tags IN ("a")', 2, 7, /expected a property key/],
    ['a IN ()', 1, 7, /expected a text in double quotes, found "\)"/],
    ['a = 1 b', 1, 7, /expected AND, OR or the end/],
    ['a = "x" # b', 1, 9, /found "#"/],
    ['AND a', 1, 1, /expected a property key, HAS, NOT or "\("/],
    ['a = "unterminated', 1, 5, /unterminated or badly escaped text/],
    ['', 1, 1, /found end of expression/],
  ];
  for (const [text, line, column, message] of cases) {
    const result = parsePropertyExpression(text);
    assert.equal(result.ok, false, text);
    if (result.ok) continue;
    assert.equal(result.fault.line, line, `${text}: ${result.fault.message}`);
    assert.equal(result.fault.column, column, `${text}: ${result.fault.message}`);
    assert.match(result.fault.message, message, text);
    assert.match(result.fault.message, new RegExp(`^line ${line}, column ${column}: expected `));
  }
  const deep = `${'NOT '.repeat(40)}a`;
  assert.match((parsePropertyExpression(deep) as { fault: { message: string } }).fault.message, /at most 32 levels/);
});

test('the reference evaluator: lists match by entry, type mismatches and absent keys are false, != holds when absent', () => {
  const page = { section: 'sports', article_tags: ['nba', 'mlb'], logged_in: false, word_count: 812 };
  const holds = (text: string) => evaluatePropertyExpression(parsed(text), page);
  assert.equal(holds('section = "sports" AND (article_tags IN ("nba","nfl") OR NOT logged_in) AND word_count >= 500'), true);
  assert.equal(holds('article_tags = "mlb"'), true);
  assert.equal(holds('article_tags = "nfl"'), false);
  assert.equal(holds('section IN ("news", "sports")'), true);
  assert.equal(holds('word_count > 812'), false);
  assert.equal(holds('word_count = 812'), true);
  assert.equal(holds('section = 812'), false);
  assert.equal(holds('section < 5'), false);
  assert.equal(holds('logged_in = false'), true);
  assert.equal(holds('logged_in'), false);
  assert.equal(holds('HAS author'), false);
  assert.equal(holds('author != "x"'), true);
  assert.equal(holds('has section and not has author'), true);
});

test('request properties: limits, and a slot extends and overrides its page', () => {
  assert.equal(pageProperties.safeParse({ section: 'sports', tags: ['a'], n: 1.5, b: true }).success, true);
  const refused = [
    { Section: 'x' },
    { and: true },
    { s: 'x'.repeat(101) },
    { tags: Array.from({ length: 21 }, () => 'a') },
    { n: Number.POSITIVE_INFINITY },
    { nested: { a: 1 } },
    Object.fromEntries(Array.from({ length: 21 }, (_, at) => [`k${at}`, at])),
  ];
  for (const properties of refused) {
    assert.equal(pageProperties.safeParse(properties).success, false, JSON.stringify(properties));
    assert.equal(checkPagePropertiesFast(properties), undefined, JSON.stringify(properties));
  }
  assert.deepEqual(slotProperties({ section: 'sports', tags: ['a'] }, { tags: ['b'], slot: 'top' }), {
    section: 'sports',
    tags: ['b'],
    slot: 'top',
  });
});

test('a campaign targeting refuses a bad expression with its position, and takes a good one or null', () => {
  const bad = inventory.targeting.safeParse({ properties: 'section = ' });
  assert.equal(bad.success, false);
  assert.deepEqual(
    bad.error?.issues.map((issue) => [issue.path.join('.'), issue.message]),
    [['properties', 'line 1, column 11: expected a value (a text in double quotes, a number, true or false), found end of expression']],
  );
  assert.equal(inventory.targeting.parse({ properties: 'has author' }).properties, 'has author');
  assert.equal(inventory.targeting.parse({ properties: null }).properties, null);
  assert.equal(inventory.targeting.parse({}).properties, undefined);
});
