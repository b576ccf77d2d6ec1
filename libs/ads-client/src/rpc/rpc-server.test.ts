import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { waitFor } from '@ads/test-kit';
import type { Logger } from 'pino';
import { z } from 'zod';
import { defineContract, method } from './contract.js';
import { exampleOf, renderDocsPage } from './docs-page.js';
import { RPC_ERROR_CODES } from './error-codes.js';
import { createNodeHttpHandler } from './node-http-backend.js';
import { PreEncodedResult } from './pre-encoded-result.js';
import { RpcError } from './rpc-error.js';
import { type RpcServer, createRpcServer } from './rpc-server.js';
import { jsonSerializer, msgpackSerializer } from './serializers.js';

const contract = defineContract({
  ads: {
    find: method({
      input: z.strictObject({ id: z.string().min(1), limit: z.number().int().max(10).optional() }),
      output: z.object({ id: z.string() }),
      doc: 'Finds an ad.',
      idempotent: true,
    }),
    broken: method({ input: z.strictObject({}), output: z.object({ id: z.string() }), doc: 'Returns a wrong shape.' }),
    secured: method({ input: z.strictObject({}), output: z.object({ who: z.string() }), doc: 'Needs a token.' }),
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
/** The answer as handle() gives it: a value when the handler is synchronous, else a promise. */
function postTo(rpc: RpcServer, body: string | Uint8Array, headers: Record<string, string> = json) {
  return rpc.handle({ method: 'POST', path: '/', headers, body: typeof body === 'string' ? Buffer.from(body) : body });
}
async function post(body: string | Uint8Array, headers: Record<string, string> = json, rpc: RpcServer = server) {
  const answer = await postTo(rpc, body, headers);
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
    [JSON.stringify({ jsonrpc: '2.0', id: 1 }), 400, 'INVALID_REQUEST'],
    [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'nope.nothing' }), 404, 'METHOD_NOT_FOUND'],
    [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ads.nothing' }), 404, 'METHOD_NOT_FOUND'],
    [JSON.stringify([]), 400, 'INVALID_REQUEST'],
    [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ads.find', params: 'x' }), 400, 'INVALID_PARAMS'],
  ];
  for (const [body, status, code] of cases) {
    const answer = await post(body);
    assert.equal(answer.status, status, body);
    assert.equal(answer.body.error.data.code, code, body);
  }
});

test('deeply nested junk is refused without crashing', async () => {
  const roomy = createRpcServer(
    contract,
    { ads: { find: ({ id }) => ({ id }), broken: () => ({ id: 'x' }), secured: () => ({ who: 'x' }) } },
    { title: 't', version: '0' },
  );
  const depth = 100_000;
  for (const params of [`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`]) {
    const answer = await roomy.handle({
      method: 'POST',
      path: '/',
      headers: json,
      body: Buffer.from(`{"jsonrpc":"2.0","id":1,"method":"ads.find","params":${params}}`),
    });
    assert.equal(answer.status, 400);
    const code = JSON.parse(String(answer.body)).error.data.code;
    assert.ok(['PARSE_ERROR', 'INVALID_PARAMS'].includes(code), code);
  }
});

test('strict envelopes and params: "jsonrpc" must be "2.0", unknown fields and deep nesting are named', async () => {
  for (const jsonrpc of [undefined, '1.0', 2]) {
    const answer = await post(JSON.stringify({ jsonrpc, id: 7, method: 'ads.find', params: { id: 'a1' } }));
    assert.equal(answer.status, 400, String(jsonrpc));
    assert.equal(answer.body.id, 7);
    assert.equal(answer.body.error.data.code, 'INVALID_REQUEST');
    assert.deepEqual(
      answer.body.error.data.issues.map((issue: { path: string[] }) => issue.path),
      [['jsonrpc']],
    );
  }
  const unknown = await post(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'ads.find', params: { id: 'a1', limt: 3, extra: true } }));
  assert.equal(unknown.status, 400);
  assert.deepEqual(unknown.body.error.data.issues.map((issue: { path: string[] }) => issue.path.join('.')).sort(), ['extra', 'limt']);

  const nested = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown;
  const deep = await post(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ads.find', params: { id: 'a1', limit: nested(40) } }));
  assert.equal(deep.status, 400);
  const [issue] = deep.body.error.data.issues as { path: string[]; code: string }[];
  assert.equal(issue!.code, 'too_deep');
  assert.deepEqual(issue!.path.slice(0, 3), ['limit', 'a', 'a']);
  assert.equal(issue!.path.length, 33, 'the first container beyond 32 levels');
  // 32 levels are allowed (the schema then decides).
  const fits = await post(JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'ads.find', params: { id: 'a1', limit: nested(31) } }));
  assert.equal(fits.body.error.data.issues[0].path.join('.'), 'limit');
});

test('a contract whose input accepts unknown fields is refused when it is defined', () => {
  const loose = (input: z.ZodType) => () => defineContract({ ns: { call: method({ input, output: z.null(), doc: 'x' }) } });
  assert.throws(loose(z.object({ a: z.string() })), /"\(root\)" accepts unknown fields/);
  assert.throws(loose(z.strictObject({ rows: z.array(z.object({ a: z.string() })).max(3) })), /"rows\.\*" accepts unknown fields/);
  assert.throws(loose(z.strictObject({ f: z.looseObject({}).optional() })), /"f" accepts/);
  assert.throws(loose(z.strictObject({ u: z.union([z.string(), z.object({})]) })), /"u" accepts/);
  assert.doesNotThrow(
    loose(
      z
        .strictObject({
          a: z
            .strictObject({ b: z.array(z.strictObject({})) })
            .nullable()
            .default(null),
        })
        .refine(() => true),
    ),
  );
  assert.doesNotThrow(loose(z.strictObject({ b: z.string() }).partial()));
});

test('wrong content types, unacceptable Accept and oversized bodies are refused', async () => {
  const wrongType = await post('{}', { 'content-type': 'text/plain' });
  assert.equal(wrongType.status, 415);
  assert.equal(wrongType.body.error.data.code, 'UNSUPPORTED_MEDIA_TYPE');
  const noType = await post('{}', {});
  assert.equal(noType.status, 415);
  const badAccept = await post('{}', { ...json, accept: 'text/html' });
  assert.equal(badAccept.status, 406);
  const big = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ads.find', params: { id: 'x'.repeat(2000) } }));
  assert.equal(big.status, 413);
  assert.equal(big.body.error.data.code, 'PAYLOAD_TOO_LARGE');
});

test('a result that breaks the output schema is an INTERNAL error without details', async () => {
  const answer = await post(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ads.broken', params: {} }));
  assert.equal(answer.status, 500);
  assert.equal(answer.body.error.data.code, 'INTERNAL');
  assert.doesNotMatch(JSON.stringify(answer.body), /stack|at .*\.ts/);
});

test('authentication refuses missing and wrong tokens, passes the principal', async () => {
  const call = JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'ads.secured', params: {} });
  assert.equal((await post(call)).status, 401);
  assert.equal((await post(call, { ...json, authorization: 'Bearer bad' })).status, 403);
  const ok = await post(call, { ...json, authorization: 'Bearer good' });
  assert.deepEqual(ok.body.result, { who: 'good-user' });
});

test('a batch answers every call in order with per-call errors, with status 200', async () => {
  const answer = await post(
    JSON.stringify([
      { jsonrpc: '2.0', id: 'a', method: 'ads.find', params: { id: '1' } },
      { jsonrpc: '2.0', id: 'b', method: 'ads.find', params: {} },
      { jsonrpc: '2.0', id: 'c', method: 'ads.gone', params: {} },
      { jsonrpc: '2.0', id: 'd', method: 'ads.find', params: { id: '4' } },
    ]),
  );
  assert.equal(answer.status, 200);
  assert.deepEqual(
    answer.body.map((entry: { id: string }) => entry.id),
    ['a', 'b', 'c', 'd'],
  );
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
  const description = JSON.parse(
    String((await server.handle({ method: 'GET', path: '/describe', headers: {}, body: new Uint8Array() })).body),
  );
  assert.deepEqual(
    description.methods.map((m: { name: string }) => m.name),
    ['ads.find', 'ads.broken', 'ads.secured'],
  );
  assert.equal(description.methods[0].paramsSchema.properties.limit.maximum, 10);
  const docs = String((await server.handle({ method: 'GET', path: '/docs', headers: {}, body: new Uint8Array() })).body);
  assert.match(docs, /ads\.find/);
  assert.match(docs, /Finds an ad\./);
});

test('a method without a handler is refused at mount time', () => {
  assert.throws(
    () => createRpcServer(contract, { ads: { find: () => ({ id: 'x' }) } } as never, { title: 't', version: '0' }),
    /ads\.broken has no handler/,
  );
});

// The hot-path features: a hand-written input check (fastInput) and results given as JSON text.

interface CheckedPlacement {
  placementId: string;
  count: number;
  checkedBy: 'zod' | 'fastInput';
}

// The transform marks and counts zod's parses, so a test can tell which check made the input.
let zodPlacementParses = 0;
const placementInput = z
  .strictObject({ placementId: z.string().min(1), count: z.number().int().min(1).max(10) })
  .transform((placement): CheckedPlacement => {
    zodPlacementParses += 1;
    return { ...placement, checkedBy: 'zod' };
  });

/** Accepts only the common one-ad request; everything else is left to zod. */
function checkPlacementFast(params: unknown): CheckedPlacement | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const { placementId, count } = params as Record<string, unknown>;
  if (typeof placementId !== 'string' || placementId === '' || count !== 1) return undefined;
  return { placementId, count, checkedBy: 'fastInput' };
}

const decisionOutput = z.object({ adId: z.string(), eCpm: z.number(), tags: z.array(z.string()) });
const decisionRequest = z.strictObject({ decisionText: z.string() });
const placementRequest = z.strictObject({ placementId: z.string().min(1) });

const hotContract = defineContract({
  serving: {
    echoPlacement: method({
      input: placementInput,
      output: z.object({ placementId: z.string(), count: z.number(), checkedBy: z.enum(['zod', 'fastInput']) }),
      doc: 'Answers the placement as its handler received it.',
      fastInput: checkPlacementFast,
    }),
    brokenFastCheck: method({
      input: placementRequest,
      output: z.object({}),
      doc: 'Its fast check throws.',
      fastInput: () => {
        throw new TypeError('fast check bug');
      },
    }),
    decide: method({ input: decisionRequest, output: decisionOutput, doc: 'Answers the given decision text, pre-encoded.' }),
    decideLater: method({
      input: decisionRequest,
      output: decisionOutput,
      doc: 'Answers the given decision text, pre-encoded, after a turn.',
    }),
    find: method({ input: placementRequest, output: z.object({ placementId: z.string() }), doc: 'Finds a placement.' }),
    findLater: method({ input: placementRequest, output: z.object({ placementId: z.string() }), doc: 'Finds a placement after a turn.' }),
    missing: method({ input: placementRequest, output: z.object({}), doc: 'Always answers NOT_FOUND.' }),
    missingLater: method({ input: placementRequest, output: z.object({}), doc: 'Always answers NOT_FOUND, after a turn.' }),
    crashLater: method({ input: placementRequest, output: z.object({}), doc: 'Rejects with an unexpected error.' }),
  },
});

const loggedFailures: { fields: { err?: unknown; requestId?: string; method?: string }; message: string }[] = [];
const failureLogger = {
  error: (fields: (typeof loggedFailures)[number]['fields'], message: string) => loggedFailures.push({ fields, message }),
} as unknown as Logger;

function hotServerWith(validateOutput: boolean) {
  return createRpcServer(
    hotContract,
    {
      serving: {
        echoPlacement: (placement) => placement,
        brokenFastCheck: () => ({}),
        decide: ({ decisionText }) => new PreEncodedResult(decisionText),
        decideLater: async ({ decisionText }) => new PreEncodedResult(decisionText),
        find: ({ placementId }) => ({ placementId }),
        findLater: async ({ placementId }) => ({ placementId }),
        missing: ({ placementId }) => {
          throw new RpcError('NOT_FOUND', `placement ${placementId} has no ad`);
        },
        missingLater: async ({ placementId }) => {
          throw new RpcError('NOT_FOUND', `placement ${placementId} has no ad`);
        },
        crashLater: async () => {
          throw new Error('secret internal detail');
        },
      },
    },
    { title: 'hot', version: '0', validateOutput, logger: failureLogger },
  );
}
const hotServer = hotServerWith(true);
const uncheckedHotServer = hotServerWith(false);

// Spaces, a trailing zero and a \u escape: re-encoding this text would change it, so getting it
// back byte for byte proves the server spliced it.
const decisionText = '{ "adId": "ad-7", "eCpm": 1.50, "tags": ["sport", "caf\\u00e9"] }';
const decision = JSON.parse(decisionText) as unknown;
const msgpack = { 'content-type': 'application/msgpack' };

function rpcCall(id: string | number, methodName: string, params: unknown) {
  return JSON.stringify({ jsonrpc: '2.0', id, method: methodName, params });
}

test('fastInput: the value it returns reaches the handler and zod does not parse', async () => {
  const before = zodPlacementParses;
  const fast = await post(rpcCall(1, 'serving.echoPlacement', { placementId: 'p1', count: 1 }), json, hotServer);
  assert.equal(fast.status, 200);
  assert.deepEqual(fast.body.result, { placementId: 'p1', count: 1, checkedBy: 'fastInput' });
  assert.equal(zodPlacementParses, before);

  // Input the fast check leaves alone is zod's, and zod's value reaches the handler.
  const slow = await post(rpcCall(2, 'serving.echoPlacement', { placementId: 'p1', count: 3 }), json, hotServer);
  assert.equal(slow.status, 200);
  assert.deepEqual(slow.body.result, { placementId: 'p1', count: 3, checkedBy: 'zod' });
  assert.equal(zodPlacementParses, before + 1);
});

test('fastInput: when it returns undefined, zod refuses bad params naming each field', async () => {
  const answer = await post(rpcCall(3, 'serving.echoPlacement', { placementId: '', count: 11 }), json, hotServer);
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.code, RPC_ERROR_CODES.INVALID_PARAMS.jsonRpc);
  assert.equal(answer.body.error.data.code, 'INVALID_PARAMS');
  const paths = answer.body.error.data.issues.map((issue: { path: string[] }) => issue.path.join('.')).sort();
  assert.deepEqual(paths, ['count', 'placementId']);
  assert.match(answer.body.error.message, /placementId/);

  // No params at all: the fast check sees {} like zod does, and zod names the missing fields.
  const noParams = await post(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'serving.echoPlacement' }), json, hotServer);
  assert.equal(noParams.status, 400);
  const missingPaths = noParams.body.error.data.issues.map((issue: { path: string[] }) => issue.path.join('.')).sort();
  assert.deepEqual(missingPaths, ['count', 'placementId']);
});

test('a fastInput that throws answers INTERNAL without details, is logged, and the server keeps answering', async () => {
  loggedFailures.length = 0;
  const answer = await post(
    rpcCall('f1', 'serving.brokenFastCheck', { placementId: 'p1' }),
    { ...json, 'x-request-id': 'req-fast' },
    hotServer,
  );
  assert.equal(answer.status, 500);
  assert.equal(answer.body.id, 'f1');
  assert.equal(answer.body.error.code, RPC_ERROR_CODES.INTERNAL.jsonRpc);
  assert.equal(answer.body.error.data.code, 'INTERNAL');
  assert.equal(answer.body.error.data.requestId, 'req-fast');
  assert.doesNotMatch(JSON.stringify(answer.body), /fast check bug/);
  assert.equal(loggedFailures.length, 1);
  assert.equal(loggedFailures[0]!.fields.method, 'serving.brokenFastCheck');
  assert.equal(loggedFailures[0]!.fields.requestId, 'req-fast');
  assert.ok(loggedFailures[0]!.fields.err instanceof TypeError);

  const next = await post(rpcCall('f2', 'serving.find', { placementId: 'p2' }), json, hotServer);
  assert.deepEqual(next.body, { jsonrpc: '2.0', id: 'f2', result: { placementId: 'p2' } });
});

test('a PreEncodedResult over JSON is spliced into the answer as it is, for string and numeric ids', async () => {
  assert.notEqual(JSON.stringify(decision), decisionText);
  const ids = [7, 0, -3, 2.5, 'd-1', 'a "quoted" \\ id é'];
  for (const rpc of [hotServer, uncheckedHotServer]) {
    for (const methodName of ['serving.decide', 'serving.decideLater']) {
      for (const id of ids) {
        const answer = await postTo(rpc, rpcCall(id, methodName, { decisionText }));
        assert.equal(answer.status, 200);
        assert.equal(answer.headers['content-type'], jsonSerializer.contentType);
        assert.equal(answer.body, `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${decisionText}}`, `${methodName} ${id}`);
      }
    }
  }
  // A MessagePack request that accepts JSON gets the same splice.
  const packedRequest = msgpackSerializer.encode({
    jsonrpc: '2.0',
    id: 'm1',
    method: 'serving.decide',
    params: { decisionText },
  }) as Uint8Array;
  const answer = await postTo(hotServer, packedRequest, { ...msgpack, accept: 'application/json' });
  assert.equal(answer.headers['content-type'], jsonSerializer.contentType);
  assert.equal(answer.body, `{"jsonrpc":"2.0","id":"m1","result":${decisionText}}`);
});

test('a PreEncodedResult over MessagePack answers the parsed value', async () => {
  for (const rpc of [hotServer, uncheckedHotServer]) {
    for (const methodName of ['serving.decide', 'serving.decideLater']) {
      const call = { jsonrpc: '2.0', id: 9, method: methodName, params: { decisionText } };
      const requests: [Uint8Array | string, Record<string, string>][] = [
        [msgpackSerializer.encode(call), msgpack],
        [JSON.stringify(call), { ...json, accept: 'application/msgpack' }],
      ];
      for (const [body, headers] of requests) {
        const answer = await postTo(rpc, body, headers);
        assert.equal(answer.status, 200);
        assert.equal(answer.headers['content-type'], msgpackSerializer.contentType);
        assert.deepEqual(msgpackSerializer.decode(answer.body), { jsonrpc: '2.0', id: 9, result: decision }, methodName);
      }
    }
  }
});

test('a batch answers PreEncodedResults as plain values, in JSON and MessagePack', async () => {
  const batch = [
    { jsonrpc: '2.0', id: 'a', method: 'serving.decide', params: { decisionText } },
    { jsonrpc: '2.0', id: 'b', method: 'serving.decideLater', params: { decisionText } },
    { jsonrpc: '2.0', id: 'c', method: 'serving.find', params: { placementId: 'p3' } },
    { jsonrpc: '2.0', id: 'd', method: 'serving.decide', params: {} },
  ];
  for (const rpc of [hotServer, uncheckedHotServer]) {
    const inJson = await post(JSON.stringify(batch), json, rpc);
    const packed = await postTo(rpc, msgpackSerializer.encode(batch), msgpack);
    assert.equal(packed.headers['content-type'], msgpackSerializer.contentType);
    for (const [status, answers] of [
      [inJson.status, inJson.body],
      [packed.status, msgpackSerializer.decode(packed.body)],
    ] as [number, { id: string; result?: unknown; error?: { data: { code: string } } }[]][]) {
      assert.equal(status, 200);
      assert.deepEqual(answers.slice(0, 3), [
        { jsonrpc: '2.0', id: 'a', result: decision },
        { jsonrpc: '2.0', id: 'b', result: decision },
        { jsonrpc: '2.0', id: 'c', result: { placementId: 'p3' } },
      ]);
      assert.equal(answers[3]!.id, 'd');
      assert.equal(answers[3]!.error?.data.code, 'INVALID_PARAMS');
    }
  }
});

test('with validateOutput, a PreEncodedResult that breaks the output schema is INTERNAL; one that fits keeps its text', async () => {
  const wrongText = '{"adId":7,"eCpm":"high","tags":[]}';
  for (const methodName of ['serving.decide', 'serving.decideLater']) {
    loggedFailures.length = 0;
    const answer = await post(rpcCall('v1', methodName, { decisionText: wrongText }), json, hotServer);
    assert.equal(answer.status, 500, methodName);
    assert.equal(answer.body.id, 'v1');
    assert.equal(answer.body.error.data.code, 'INTERNAL');
    assert.doesNotMatch(JSON.stringify(answer.body), /adId|output schema/);
    assert.equal(loggedFailures.length, 1);
    assert.equal(loggedFailures[0]!.fields.method, methodName);

    const packed = await postTo(
      hotServer,
      msgpackSerializer.encode({ jsonrpc: '2.0', id: 'v2', method: methodName, params: { decisionText: wrongText } }),
      msgpack,
    );
    assert.equal(packed.status, 500);
    assert.equal((msgpackSerializer.decode(packed.body) as { error: { data: { code: string } } }).error.data.code, 'INTERNAL');

    const fitting = await postTo(hotServer, rpcCall('v3', methodName, { decisionText }));
    assert.equal(fitting.status, 200);
    assert.equal(fitting.body, `{"jsonrpc":"2.0","id":"v3","result":${decisionText}}`);

    // Without output validation the server trusts the text and sends it as it is.
    const unchecked = await postTo(uncheckedHotServer, rpcCall('v4', methodName, { decisionText: wrongText }));
    assert.equal(unchecked.status, 200);
    assert.equal(unchecked.body, `{"jsonrpc":"2.0","id":"v4","result":${wrongText}}`);
  }
});

test('handle() answers a synchronous handler without a promise and an async one with a promise, alike', async () => {
  const pairs: [string, string, unknown][] = [
    ['serving.find', 'serving.findLater', { placementId: 'p4' }],
    ['serving.decide', 'serving.decideLater', { decisionText }],
    ['serving.missing', 'serving.missingLater', { placementId: 'p5' }],
  ];
  const headers = { ...json, 'x-request-id': 'req-same' };
  for (const [syncMethod, asyncMethod, params] of pairs) {
    const now = postTo(hotServer, rpcCall(5, syncMethod, params), headers);
    assert.ok(!(now instanceof Promise), syncMethod);
    const later = postTo(hotServer, rpcCall(5, asyncMethod, params), headers);
    assert.ok(later instanceof Promise, asyncMethod);
    assert.deepEqual(await later, now, asyncMethod);
  }
  // Refused params never reach a handler, so even an async method's refusal is synchronous.
  const refused = postTo(hotServer, rpcCall(6, 'serving.findLater', { placementId: '' }));
  assert.ok(!(refused instanceof Promise));
  assert.equal(refused.status, 400);
});

test('an async handler that rejects with an RpcError keeps its code; any other rejection is INTERNAL', async () => {
  const missing = await post(rpcCall('r1', 'serving.missingLater', { placementId: 'p6' }), json, hotServer);
  assert.equal(missing.status, RPC_ERROR_CODES.NOT_FOUND.httpStatus);
  assert.equal(missing.body.error.code, RPC_ERROR_CODES.NOT_FOUND.jsonRpc);
  assert.equal(missing.body.error.data.code, 'NOT_FOUND');
  assert.equal(missing.body.error.message, 'placement p6 has no ad');

  loggedFailures.length = 0;
  const crashed = await post(rpcCall('r2', 'serving.crashLater', { placementId: 'p7' }), json, hotServer);
  assert.equal(crashed.status, 500);
  assert.equal(crashed.body.error.data.code, 'INTERNAL');
  assert.doesNotMatch(JSON.stringify(crashed.body), /secret internal detail/);
  assert.equal(loggedFailures.length, 1);
  assert.equal(loggedFailures[0]!.fields.method, 'serving.crashLater');
});

test('over node:http, synchronous and async PreEncodedResult handlers answer the exact text', async () => {
  const rpcHandler = createNodeHttpHandler(hotServer, { mountPath: '/rpc' });
  const http = createServer((request, response) => {
    if (rpcHandler(request, response)) return;
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/rpc`;
  try {
    for (const [id, methodName] of [
      [11, 'serving.decide'],
      ['later', 'serving.decideLater'],
    ] as const) {
      const response = await fetch(url, { method: 'POST', headers: json, body: rpcCall(id, methodName, { decisionText }) });
      assert.equal(response.status, 200, methodName);
      assert.equal(response.headers.get('content-type'), jsonSerializer.contentType);
      assert.equal(await response.text(), `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${decisionText}}`);

      const packed = await fetch(url, {
        method: 'POST',
        headers: msgpack,
        body: msgpackSerializer.encode({ jsonrpc: '2.0', id, method: methodName, params: { decisionText } }),
      });
      assert.equal(packed.status, 200, methodName);
      assert.equal(packed.headers.get('content-type'), msgpackSerializer.contentType);
      assert.deepEqual(msgpackSerializer.decode(new Uint8Array(await packed.arrayBuffer())), { jsonrpc: '2.0', id, result: decision });
    }
    const refused = await fetch(url, { method: 'POST', headers: json, body: rpcCall(12, 'serving.decideLater', {}) });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { error: { data: { code: string } } }).error.data.code, 'INVALID_PARAMS');
  } finally {
    http.closeAllConnections();
    await new Promise<void>((resolve, reject) => http.close((error) => (error === undefined ? resolve() : reject(error))));
  }
});

test('a result no serializer can encode, or a pre-encoded text that is not JSON, answers INTERNAL and never throws out of handle()', async () => {
  const brokenContract = defineContract({
    hot: {
      big: method({ input: z.strictObject({}), output: z.object({ n: z.bigint() }), doc: 'a BigInt result JSON cannot encode' }),
      torn: method({ input: z.strictObject({}), output: z.object({ ok: z.boolean() }), doc: 'a pre-encoded text cut short' }),
      tornLater: method({ input: z.strictObject({}), output: z.object({ ok: z.boolean() }), doc: 'the same, async' }),
    },
  });
  const handlers = {
    hot: {
      big: () => ({ n: 1n }),
      torn: () => new PreEncodedResult<{ ok: boolean }>('{"ok":'),
      tornLater: async () => new PreEncodedResult<{ ok: boolean }>('{"ok":'),
    },
  };
  for (const validateOutput of [false, true]) {
    const rpc = createRpcServer(brokenContract, handlers, { title: 'broken', version: '0', validateOutput, logger: failureLogger });
    const cases: [string, Record<string, string>][] = [
      ['hot.big', json],
      ['hot.torn', msgpack],
      ['hot.tornLater', msgpack],
    ];
    if (validateOutput) cases.push(['hot.torn', json], ['hot.tornLater', json]);
    for (const [methodName, headers] of cases) {
      const body =
        headers === msgpack
          ? msgpackSerializer.encode({ jsonrpc: '2.0', id: 1, method: methodName, params: {} })
          : rpcCall(1, methodName, {});
      const answer = await postTo(rpc, body, headers);
      assert.equal(answer.status, 500, `${methodName} ${headers['content-type']} validateOutput=${validateOutput}`);
      // The error answer comes in the format asked for, or in JSON when encoding in it failed.
      const serializer = answer.headers['content-type'] === msgpackSerializer.contentType ? msgpackSerializer : jsonSerializer;
      const decoded = serializer.decode(answer.body) as { error: { data: { code: string } } };
      assert.equal(decoded.error.data.code, 'INTERNAL');
    }
  }
  // Through node:http the process survives and keeps answering.
  const rpc = createRpcServer(brokenContract, handlers, { title: 'broken', version: '0', logger: failureLogger });
  const rpcHandler = createNodeHttpHandler(rpc, { mountPath: '/rpc' });
  const http = createServer((request, response) => {
    if (!rpcHandler(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/rpc`;
  try {
    for (let round = 0; round < 2; round += 1) {
      const response = await fetch(url, { method: 'POST', headers: json, body: rpcCall(round, 'hot.big', {}) });
      assert.equal(response.status, 500);
      assert.equal(((await response.json()) as { error: { data: { code: string } } }).error.data.code, 'INTERNAL');
    }
  } finally {
    http.closeAllConnections();
    await new Promise<void>((resolve, reject) => http.close((error) => (error === undefined ? resolve() : reject(error))));
  }
});

test('over node:http, an oversized body is answered 413 and read to its end: a client still sending is not reset', async () => {
  const rpcHandler = createNodeHttpHandler(server, { mountPath: '/rpc' });
  const http = createServer((request, response) => {
    if (!rpcHandler(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const socket = connect((http.address() as AddressInfo).port, '127.0.0.1');
  const failures: string[] = [];
  socket.on('error', (error) => failures.push(error.message));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const write = (data: string) =>
    new Promise<void>((resolve) =>
      socket.write(data, (error) => {
        if (error) failures.push(error.message);
        resolve();
      }),
    );
  try {
    // 64 KB declared, far past the limit (1 KB): the answer comes before the body is sent.
    const piece = ' '.repeat(4096);
    await write(
      `POST /rpc HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${16 * piece.length}\r\n\r\n${piece}`,
    );
    await waitFor(() => received.includes('PAYLOAD_TOO_LARGE'), 'the 413 answer', { timeoutMs: 5_000, intervalMs: 10 });
    assert.match(received, /^HTTP\/1\.1 413 /);
    // The client goes on sending its body after reading the answer, as a slow client does (a time wait on purpose).
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let sent = 1; sent < 16; sent += 1) await write(piece);
    // Once the body is drained, the same connection answers the next call.
    received = '';
    const call = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ads.find', params: { id: 'a1' } });
    await write(`POST /rpc HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${call.length}\r\n\r\n${call}`);
    await waitFor(() => received.includes('"result"'), 'the answer to the next call', { timeoutMs: 5_000, intervalMs: 10 });
    assert.deepEqual(failures, []);
    assert.match(received, /^HTTP\/1\.1 200 /);
  } finally {
    socket.destroy();
    http.closeAllConnections();
    await new Promise<void>((resolve, reject) => http.close((error) => (error === undefined ? resolve() : reject(error))));
  }
});

test('the docs page gives an example call per method from its schema, and the authentication text', () => {
  const server = createRpcServer(
    defineContract({
      things: {
        find: method({
          input: z.strictObject({ id: z.string().min(3), limit: z.number().int().min(1).default(10), tag: z.string().optional() }),
          output: z.object({}),
          doc: 'Finds a thing.',
        }),
      },
    }),
    { things: { find: () => ({}) } },
    { title: 'things', version: '1.0.0', docs: { authentication: 'Send a things key as Authorization: Bearer <key>.' } },
  );
  assert.deepEqual(exampleOf(server.describe().methods[0]!.paramsSchema), { id: 'xxx' });
  const html = renderDocsPage(server.describe(), { authentication: 'Send a things key as Authorization: Bearer <key>.' });
  assert.match(html, /Send a things key as Authorization: Bearer &#60;key&#62;/);
  assert.match(html, /&#34;method&#34;:&#34;things.find&#34;,&#34;params&#34;:\{&#34;id&#34;:&#34;xxx&#34;\}/);
  assert.match(html, /<form data-method="things.find">/);
  assert.doesNotMatch(renderDocsPage(server.describe(), { needsKey: false }), /id="api-key"/);
});
