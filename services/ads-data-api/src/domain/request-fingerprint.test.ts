import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { canonicalJson, requestFingerprintOf } from './request-fingerprint';

describe('request fingerprints', () => {
  it('ignores key order at every level', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    assert.equal(requestFingerprintOf('POST', '/api/v1/ads', { a: 1, b: 2 }), requestFingerprintOf('post', '/api/v1/ads', { b: 2, a: 1 }));
  });

  it('differs with the body, the path or the method', () => {
    const base = requestFingerprintOf('POST', '/api/v1/ads', { a: 1 });
    assert.notEqual(base, requestFingerprintOf('POST', '/api/v1/ads', { a: 2 }));
    assert.notEqual(base, requestFingerprintOf('POST', '/api/v1/campaigns', { a: 1 }));
    assert.notEqual(base, requestFingerprintOf('PATCH', '/api/v1/ads', { a: 1 }));
  });
});
