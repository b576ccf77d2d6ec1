import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { defineContract, method } from './contract';
import { RpcError } from './rpc-error';
import { createRpcServer } from './rpc-server';
import { msgpackSerializer } from './serializers';

const contract = defineContract({
  ads: {
    find: method({
      input: z.object({ id: z.string().min(1), limit: z.number().int().max(10).optional() }),
      output: z.object({ id: z.string() }),
      doc: 'Finds an ad.',
      idempotent: true,
    }),
    broken: method({ input: z.object({}), output: z.object({ id: z.string() }), doc: 'Returns a wrong shape.' }),
    secured: method({ input: z.object({}), output: z.object({ who: z.string() }), doc: 'Needs a token.' }),
  },
});

const server = createRpcServer(
  contract,
  {
    ads: {
      find: ({ id }) => ({ id }),
      broken: () => ({ id: 42 }) as unknown as { id: string },
      secured: (_input, context) => ({ who: String(context.principal) }),
    },
  },
  {
    title: 'test',
    version: '0',
    maxBodyBytes: 1024,
    authenticate: (context, method) => {
      if (method.doc !== 'Needs a token.') return undefined;
      if (context.token === undefined) throw new RpcError('UNAUTHORIZED', 'a bearer token is required');
      if (context.token !== 'good') throw new RpcError('FORBIDDEN', 'this token may not call ads.secured');
      return 'good-user';
    },
  },
);

const json = { 'content-type': 'application/json' };
async function post(body: string | Uint8Array, headers: Record<string, string> = json) {
  const answer = await server.handle({ method: 'POST', path: '/', headers, body: typeof body === 'string' ? Buffer.from(body) : body });
  const text = typeof answer.body === 'string' ? answer.body : Buffer.from(answer.body).toString();
  return { status: answer.status, body: answer.headers['content-type']!.includes('json') ? JSON.parse(text) : answer.body };
}

test('a valid call answers its result', async () => {
  const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ads.find', params: { id: 'a1' } }));
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, { jsonrpc: '2.0', id: 1, result: { id: 'a1' } });
});

test('invalid params name each field with zod issues', async () => {
  const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ads.find', params: { id: '', limit: 99 } }));
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.data.code, 'INVALID_PARAMS');
  assert.equal(answer.body.error.code, -32602);
  const paths = answer.body.error.data.issues.map((issue: { path: string[] }) => issue.path.join('.')).sort();
  assert.deepEqual(paths, ['id', 'limit']);
  assert.match(answer.body.error.message, /limit/);
});

test('malformed bodies, unknown methods and bad envelopes get their codes', async () => {
  const cases: [string, number, string][] = [
    ['{not json', 400, 'PARSE_ERROR'],
    ['"just a string"', 400, 'INVALID_REQUEST'],
    [JSON.stringify({ id: 1 }), 400, 'INVALID_REQUEST'],
    [JSON.stringify({ id: 1, method: 'nope.nothing' }), 404, 'METHOD_NOT_FOUND'],
    [JSON.stringify({ id: 1, method: 'ads.nothing' }), 404, 'METHOD_NOT_FOUND'],
    [JSON.stringify([]), 400, 'INVALID_REQUEST'],
    [JSON.stringify({ id: 1, method: 'ads.find', params: 'x' }), 400, 'INVALID_PARAMS'],
  ];
  for (const [body, status, code] of cases) {
    const answer = await post(body);
    assert.equal(answer.status, status, body);
    assert.equal(answer.body.error.data.code, code, body);
  }
});

test('deeply nested junk is refused without crashing', async () => {
  const roomy = createRpcServer(contract, { ads: { find: ({ id }) => ({ id }), broken: () => ({ id: 'x' }), secured: () => ({ who: 'x' }) } }, { title: 't', version: '0' });
  const depth = 100_000;
  for (const params of [`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`]) {
    const answer = await roomy.handle({
      method: 'POST',
      path: '/',
      headers: json,
      body: Buffer.from(`{"id":1,"method":"ads.find","params":${params}}`),
    });
    assert.equal(answer.status, 400);
    const code = JSON.parse(String(answer.body)).error.data.code;
    assert.ok(['PARSE_ERROR', 'INVALID_PARAMS'].includes(code), code);
  }
});

test('wrong content types, unacceptable Accept and oversized bodies are refused', async () => {
  const wrongType = await post('{}', { 'content-type': 'text/plain' });
  assert.equal(wrongType.status, 415);
  assert.equal(wrongType.body.error.data.code, 'UNSUPPORTED_MEDIA_TYPE');
  const noType = await post('{}', {});
  assert.equal(noType.status, 415);
  const badAccept = await post('{}', { ...json, accept: 'text/html' });
  assert.equal(badAccept.status, 406);
  const big = await post(JSON.stringify({ id: 1, method: 'ads.find', params: { id: 'x'.repeat(2000) } }));
  assert.equal(big.status, 413);
  assert.equal(big.body.error.data.code, 'PAYLOAD_TOO_LARGE');
});

test('a result that breaks the output schema is an INTERNAL error without details', async () => {
  const answer = await post(JSON.stringify({ id: 3, method: 'ads.broken', params: {} }));
  assert.equal(answer.status, 500);
  assert.equal(answer.body.error.data.code, 'INTERNAL');
  assert.doesNotMatch(JSON.stringify(answer.body), /stack|at .*\.ts/);
});

test('authentication refuses missing and wrong tokens, passes the principal', async () => {
  const call = JSON.stringify({ id: 4, method: 'ads.secured', params: {} });
  assert.equal((await post(call)).status, 401);
  assert.equal((await post(call, { ...json, authorization: 'Bearer bad' })).status, 403);
  const ok = await post(call, { ...json, authorization: 'Bearer good' });
  assert.deepEqual(ok.body.result, { who: 'good-user' });
});

test('a batch answers every call in order with per-call errors, with status 200', async () => {
  const answer = await post(
    JSON.stringify([
      { id: 'a', method: 'ads.find', params: { id: '1' } },
      { id: 'b', method: 'ads.find', params: {} },
      { id: 'c', method: 'ads.gone', params: {} },
      { id: 'd', method: 'ads.find', params: { id: '4' } },
    ]),
  );
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body.map((entry: { id: string }) => entry.id), ['a', 'b', 'c', 'd']);
  assert.deepEqual(answer.body[0].result, { id: '1' });
  assert.equal(answer.body[1].error.data.code, 'INVALID_PARAMS');
  assert.equal(answer.body[2].error.data.code, 'METHOD_NOT_FOUND');
  assert.deepEqual(answer.body[3].result, { id: '4' });
});

test('MessagePack requests get MessagePack answers', async () => {
  const answer = await server.handle({
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/msgpack' },
    body: msgpackSerializer.encode({ jsonrpc: '2.0', id: 9, method: 'ads.find', params: { id: 'm' } }) as Uint8Array,
  });
  assert.equal(answer.headers['content-type'], 'application/msgpack');
  assert.deepEqual(msgpackSerializer.decode(answer.body as Uint8Array), { jsonrpc: '2.0', id: 9, result: { id: 'm' } });
});

test('health, description and docs are served on GET', async () => {
  const health = await server.handle({ method: 'GET', path: '/health', headers: {}, body: new Uint8Array() });
  assert.equal(health.status, 200);
  const description = JSON.parse(String((await server.handle({ method: 'GET', path: '/describe', headers: {}, body: new Uint8Array() })).body));
  assert.deepEqual(description.methods.map((m: { name: string }) => m.name), ['ads.find', 'ads.broken', 'ads.secured']);
  assert.equal(description.methods[0].paramsSchema.properties.limit.maximum, 10);
  const docs = String((await server.handle({ method: 'GET', path: '/docs', headers: {}, body: new Uint8Array() })).body);
  assert.match(docs, /ads\.find/);
  assert.match(docs, /Finds an ad\./);
});

test('a method without a handler is refused at mount time', () => {
  assert.throws(() => createRpcServer(contract, { ads: { find: () => ({ id: 'x' }) } } as never, { title: 't', version: '0' }), /ads\.broken has no handler/);
});
