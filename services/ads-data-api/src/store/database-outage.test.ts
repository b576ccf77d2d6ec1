// Which failures say the database cannot serve a request now (a 503 with Retry-After) rather
// than refuse the request (a 4xx) or fail the code (a 500).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDatabaseUnreachable } from './database-outage';

test('a transaction that found no free connection in time is the database not answering, not an internal error', () => {
  const error = Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), {
    code: 'P2028',
    meta: {},
  });
  assert.equal(isDatabaseUnreachable(error), true);
});

test('a pool timeout, a refused connection and a connection exception are unreachable; a constraint violation is not', () => {
  assert.equal(isDatabaseUnreachable({ code: 'P2024', message: 'Timed out fetching a new connection from the connection pool.' }), true);
  assert.equal(isDatabaseUnreachable({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }), true);
  assert.equal(isDatabaseUnreachable({ meta: { driverAdapterError: { cause: { originalCode: '08006' } } } }), true);
  assert.equal(isDatabaseUnreachable({ code: 'P2002', message: 'Unique constraint failed on the fields: (`key`)' }), false);
  assert.equal(isDatabaseUnreachable({ code: 'P2028', message: 'Transaction API error: Transaction already closed.' }), false);
});
