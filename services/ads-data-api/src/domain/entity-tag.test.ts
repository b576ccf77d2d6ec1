import assert from 'node:assert/strict';
import { DataApiError } from '../errors';
import { describe, it } from 'node:test';

import { entityTagOf, ifMatchAllows, ifNoneMatchHits, parseIfMatch } from './entity-tag';

const isValidationFailure = (error: unknown): boolean => error instanceof DataApiError && error.code === 'VALIDATION_FAILED';

describe('entity tags', () => {
  it('tags a version weakly', () => {
    assert.equal(entityTagOf(7), 'W/"7"');
  });

  it('parses If-Match: absent, *, weak and strong tags, lists', () => {
    assert.deepEqual(parseIfMatch(undefined), { kind: 'absent' });
    assert.deepEqual(parseIfMatch('  '), { kind: 'absent' });
    assert.deepEqual(parseIfMatch('*'), { kind: 'any' });
    assert.deepEqual(parseIfMatch('W/"3"'), { kind: 'versions', versions: [3] });
    assert.deepEqual(parseIfMatch('"3", W/"4"'), { kind: 'versions', versions: [3, 4] });
  });

  it('refuses headers that are not entity tags', () => {
    assert.throws(() => parseIfMatch('3'), isValidationFailure);
    assert.throws(() => parseIfMatch('W/"abc"'), isValidationFailure);
    assert.throws(() => parseIfMatch('W/"1", nope'), isValidationFailure);
  });

  it('allows a write only on a named current version (or * / absent)', () => {
    assert.equal(ifMatchAllows(parseIfMatch('W/"2"'), 2), true);
    assert.equal(ifMatchAllows(parseIfMatch('W/"1"'), 2), false);
    assert.equal(ifMatchAllows(parseIfMatch('*'), 9), true);
    assert.equal(ifMatchAllows(parseIfMatch(undefined), 9), true);
  });

  it('matches If-None-Match against the current version', () => {
    assert.equal(ifNoneMatchHits('W/"5"', 5), true);
    assert.equal(ifNoneMatchHits('W/"4", W/"5"', 5), true);
    assert.equal(ifNoneMatchHits('W/"4"', 5), false);
    assert.equal(ifNoneMatchHits(undefined, 5), false);
  });
});
