import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DataApiProblemError, problemErrorOf } from './data-api-problem-error.js';

describe('problemErrorOf', () => {
  it('reads a problem document: status, code, detail and field errors', () => {
    const error = problemErrorOf(422, 'Unprocessable Entity', {
      type: 'urn:ads:problem:validation_failed',
      title: 'VALIDATION_FAILED',
      status: 422,
      code: 'VALIDATION_FAILED',
      detail: 'invalid body',
      errors: [{ field: 'targeting.countries.0', message: 'must be an ISO code' }, { nonsense: true }],
    });
    assert.ok(error instanceof DataApiProblemError);
    assert.equal(error.name, 'DataApiProblemError');
    assert.equal(error.status, 422);
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.deepEqual(error.errors, [{ field: 'targeting.countries.0', message: 'must be an ISO code' }]);
    assert.equal(error.fieldError('targeting.countries.0'), 'must be an ISO code');
    assert.match(error.message, /^422 VALIDATION_FAILED: invalid body$/);
  });

  it('copes with answers that are not problem documents (a proxy page, an empty body)', () => {
    const html = problemErrorOf(502, 'Bad Gateway', '<html>upstream down</html>');
    assert.equal(html.code, 'HTTP_502');
    assert.equal(html.detail, '<html>upstream down</html>');
    const empty = problemErrorOf(503, 'Service Unavailable', undefined);
    assert.equal(empty.detail, '503 Service Unavailable');
    assert.deepEqual(empty.errors, []);
  });
});
