import assert from 'node:assert/strict';
import { DataApiError } from '../errors';
import { describe, it } from 'node:test';

import { decodeListCursor, encodeListCursor, filterDigestOf, parseSort } from './list-cursor';

const isValidationFailure = (error: unknown): boolean => error instanceof DataApiError && error.code === 'VALIDATION_FAILED';

describe('list cursors', () => {
  const digest = filterDigestOf({ status: 'active', q: undefined });

  it('round-trips a position for the same sort and filters', () => {
    const id = '01900000-0000-7000-8000-000000000001';
    const cursor = encodeListCursor('-createdAt', digest, { value: '2026-01-01T00:00:00.000Z', id });
    assert.deepEqual(decodeListCursor(cursor, '-createdAt', digest), { value: '2026-01-01T00:00:00.000Z', id });
    // A position whose id is not a row id is not one this API issued.
    assert.throws(
      () => decodeListCursor(encodeListCursor('-createdAt', digest, { value: '2026-01-01T00:00:00.000Z', id: 'a' }), '-createdAt', digest),
      /not a cursor this API issued/,
    );
  });

  it('ignores undefined filters and key order in the digest', () => {
    assert.equal(filterDigestOf({ b: 1, a: 2 }), filterDigestOf({ a: 2, b: 1, c: undefined }));
    assert.notEqual(filterDigestOf({ a: 1 }), filterDigestOf({ a: 2 }));
  });

  it('refuses a cursor of another sort or other filters', () => {
    const cursor = encodeListCursor('name', digest, { value: 'Acme', id: '01900000-0000-7000-8000-000000000001' });
    assert.throws(() => decodeListCursor(cursor, '-name', digest), isValidationFailure);
    assert.throws(() => decodeListCursor(cursor, 'name', filterDigestOf({ status: 'paused' })), isValidationFailure);
  });

  it('refuses garbage', () => {
    assert.throws(() => decodeListCursor('not-a-cursor', 'name', digest), isValidationFailure);
    assert.throws(() => decodeListCursor(Buffer.from('{"s":1}').toString('base64url'), 'name', digest), isValidationFailure);
  });

  it('parses sort values', () => {
    assert.deepEqual(parseSort('-createdAt'), { field: 'createdAt', direction: 'desc' });
    assert.deepEqual(parseSort('name'), { field: 'name', direction: 'asc' });
  });
});
