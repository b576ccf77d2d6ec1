import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonSerializer, msgpackSerializer, serializerForAccept, serializerForContentType } from './serializers.js';

test('content types pick the serializer, unknown ones none', () => {
  assert.equal(serializerForContentType('application/json; charset=utf-8'), jsonSerializer);
  assert.equal(serializerForContentType('application/msgpack'), msgpackSerializer);
  assert.equal(serializerForContentType('application/x-msgpack'), msgpackSerializer);
  assert.equal(serializerForContentType('text/plain'), undefined);
  assert.equal(serializerForContentType(undefined), undefined);
});

test('Accept picks the answer format, defaulting to the request format', () => {
  assert.equal(serializerForAccept(undefined, msgpackSerializer), msgpackSerializer);
  assert.equal(serializerForAccept('*/*', jsonSerializer), jsonSerializer);
  assert.equal(serializerForAccept('application/msgpack', jsonSerializer), msgpackSerializer);
  assert.equal(serializerForAccept('application/json', msgpackSerializer), jsonSerializer);
  assert.equal(serializerForAccept('text/html', jsonSerializer), undefined);
});

test('JSON and MessagePack round-trip the same value', () => {
  const value = { a: 1, b: 'two', c: [true, null, 3.5], d: { nested: 'ü' } };
  assert.deepEqual(jsonSerializer.decode(jsonSerializer.encode(value)), value);
  assert.deepEqual(msgpackSerializer.decode(msgpackSerializer.encode(value)), value);
});
