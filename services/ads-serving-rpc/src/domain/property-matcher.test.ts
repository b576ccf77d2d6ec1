// Key-value targeting, property-based: the compiled matcher agrees with the reference
// evaluator of @ads/ads-client on generated expressions and page properties; the canonical
// text reads back as the same tree; and the atoms a campaign is grouped by are a necessary
// condition (whenever the expression holds, the slot holds one of them), so that looking only
// at the groups of the slot's atoms never misses a matching campaign.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  evaluatePropertyExpression,
  pageProperties,
  parsePropertyExpression,
  printPropertyExpression,
  type PageProperties,
  type PropertyExpression,
} from '@ads/ads-client';
import fc from 'fast-check';
import { heldPropertyAtoms, necessaryPropertyAtoms } from './property-atoms';
import { compilePropertyMatcher } from './property-matcher';

// A small world of keys and values, so that generated expressions and pages often meet.
const keys = ['section', 'author', 'article_tags', 'logged_in', 'word_count', 'constructor', 'has_video'];
const texts = ['sports', 'news', 'nba', 'nfl', '', 'a "quoted" \\ one', 'été', '\u0001'];
const numbers = [0, 1, -1, 500, 499.5, 1e21, 0.000001];

const key = fc.constantFrom(...keys);
const text = fc.constantFrom(...texts);
const numberValue = fc.oneof(fc.constantFrom(...numbers), fc.integer({ min: -1000, max: 1000 }));
const literal = fc.oneof(text, numberValue, fc.boolean());

const test_: fc.Arbitrary<PropertyExpression> = fc.oneof(
  key.map((name) => ({ kind: 'has' as const, key: name })),
  key.map((name) => ({ kind: 'is-true' as const, key: name })),
  fc.record({ kind: fc.constant('in' as const), key, values: fc.array(text, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('compare' as const), key, op: fc.constantFrom('=' as const, '!=' as const), value: literal }),
  fc.record({
    kind: fc.constant('compare' as const),
    key,
    op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const),
    value: numberValue,
  }),
);

const expression: fc.Arbitrary<PropertyExpression> = fc.letrec<{ node: PropertyExpression }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    test_,
    tie('node').map((operand) => ({ kind: 'not' as const, operand })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((operands) => ({ kind: 'and' as const, operands })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((operands) => ({ kind: 'or' as const, operands })),
  ),
})).node;

const propertyValue = fc.oneof(text, numberValue, fc.boolean(), fc.array(text, { maxLength: 4 }));
const properties: fc.Arbitrary<PageProperties> = fc.dictionary(key, propertyValue, { maxKeys: 6 });

const RUNS = 2_000;

test('parse(print(tree)) is the tree', () => {
  fc.assert(
    fc.property(expression, (tree) => {
      const printed = printPropertyExpression(tree);
      const parsed = parsePropertyExpression(printed);
      assert.ok(parsed.ok, `${printed}: ${parsed.ok ? '' : parsed.fault.message}`);
      assert.deepStrictEqual(parsed.expression, tree, printed);
    }),
    { numRuns: RUNS },
  );
});

test('the compiled matcher agrees with the reference evaluator', () => {
  fc.assert(
    fc.property(expression, properties, (tree, page) => {
      assert.ok(pageProperties.safeParse(page).success, 'generated pages are valid requests');
      const compiled = compilePropertyMatcher(tree)(page);
      assert.equal(compiled, evaluatePropertyExpression(tree, page), printPropertyExpression(tree));
    }),
    { numRuns: RUNS },
  );
});

test('a campaign holds one of its atoms whenever it matches (or has none and is always checked)', () => {
  let grouped = 0;
  fc.assert(
    fc.property(expression, properties, (tree, page) => {
      const atoms = necessaryPropertyAtoms(tree);
      if (atoms === null) return;
      grouped += 1;
      if (!evaluatePropertyExpression(tree, page)) return;
      assert.ok(
        heldPropertyAtoms(atoms, page) > 0,
        `${printPropertyExpression(tree)} holds on ${JSON.stringify(page)} but none of its atoms does`,
      );
    }),
    { numRuns: RUNS },
  );
  assert.ok(grouped > RUNS / 4, `most expressions get atoms (${grouped} of ${RUNS})`);
});
