import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvalidParamsError, RpcError, createDynamicRpcClient, createRpcClient } from '../src/index.js';
import { demoContract, startExpressServer, startNodeHttpServer, type RunningServer } from './support/demo-contract.js';

let first: RunningServer;
let second: RunningServer;
let viaExpress: RunningServer;
const recordedOnFirst: string[] = [];
const recordedOnSecond: string[] = [];

before(async () => {
  first = await startNodeHttpServer('first', recordedOnFirst);
  second = await startNodeHttpServer('second', recordedOnSecond);
  viaExpress = await startExpressServer('express');
});

after(async () => {
  await Promise.all([first.close(), second.close(), viaExpress.close()]);
});

test('round-robin spreads calls over both servers', async () => {
  const client = createRpcClient(demoContract, { urls: [first.url, second.url] });
  const servedBy = [];
  for (let index = 0; index < 10; index++) servedBy.push((await client.math.add({ a: index, b: 1 })).servedBy);
  assert.equal(servedBy.filter((name) => name === 'first').length, 5);
  assert.equal(servedBy.filter((name) => name === 'second').length, 5);
  await client.$close();
});

test('a stopped server is ejected and calls keep succeeding', async () => {
  const doomed = await startNodeHttpServer('doomed');
  const client = createRpcClient(demoContract, { urls: [doomed.url, first.url], cooldownMs: 60_000 });
  assert.ok(['doomed', 'first'].includes((await client.math.add({ a: 1, b: 1 })).servedBy));
  await doomed.close();
  for (let index = 0; index < 6; index++) {
    assert.equal((await client.math.add({ a: 1, b: 2 })).sum, 3);
    // Not idempotent, but a refused connection proves it was never delivered.
    await client.math.record({ value: `after-stop-${index}` });
  }
  assert.ok(client.$transport.urls.includes(doomed.url.replace(/\/$/, '')));
  await client.$close();
});

test('a validation error arrives as a typed error with field paths, both before sending and from the server', async () => {
  const client = createRpcClient(demoContract, { urls: [first.url] });
  await assert.rejects(
    client.placements.check({ placements: [{ divName: 'top', count: 11 }] }),
    (error: unknown) => error instanceof InvalidParamsError && error.issues[0]!.path.join('.') === 'placements.0.count',
  );
  const dynamic = await createDynamicRpcClient({ urls: [first.url] });
  // Skip client-side checks to see what the server itself answers.
  const outcomes = await dynamic.$batch([{ method: 'placements.check', params: { placements: [{ divName: 'top', count: 0 }] } }]);
  const outcome = outcomes[0]!;
  assert.ok(!outcome.ok && outcome.error instanceof InvalidParamsError);
  assert.deepEqual(outcome.error.issues[0]!.path, ['placements', 0, 'count']);
  await Promise.all([client.$close(), dynamic.$close()]);
});

test('server errors keep their code and never leak internals', async () => {
  const client = createRpcClient(demoContract, { urls: [first.url] });
  await assert.rejects(
    client.placements.missing({ id: 'p9' }),
    (error: unknown) => error instanceof RpcError && error.code === 'NOT_FOUND',
  );
  await assert.rejects(
    client.placements.crash({}),
    (error: unknown) => error instanceof RpcError && error.code === 'INTERNAL' && !error.message.includes('secret'),
  );
  await client.$close();
});

test('JSON and MessagePack give equal results, on both backends', async () => {
  const results = [];
  for (const url of [first.url, viaExpress.url]) {
    for (const serializer of ['json', 'msgpack'] as const) {
      const client = createRpcClient(demoContract, { urls: [url], serializer });
      const { sum } = await client.math.add({ a: 0.5, b: 2 });
      const batch = await client.$batch([
        { method: 'math.add', params: { a: 1, b: 1 } },
        { method: 'nope.none', params: {} },
      ]);
      results.push({ sum, batch: batch.map((outcome) => (outcome.ok ? (outcome.result as { sum: number }).sum : outcome.error.code)) });
      await client.$close();
    }
  }
  for (const result of results) assert.deepEqual(result, { sum: 2.5, batch: [2, 'METHOD_NOT_FOUND'] });
});

test('the dynamic client works with no contract and checks arguments before sending', async () => {
  const client = await createDynamicRpcClient({ urls: [second.url] });
  const math = client.math!;
  assert.deepEqual(await math.add!({ a: 2, b: 3 }), { sum: 5, servedBy: 'second' });
  const before = recordedOnSecond.length;
  await assert.rejects(math.record!({ value: '' }), InvalidParamsError);
  assert.equal(recordedOnSecond.length, before, 'the refused call never reached the server');
  assert.deepEqual(Object.keys(client.placements!).sort(), ['check', 'crash', 'missing', 'slow']);
  await client.$close();
});

test('the docs page lists every method of the contract', async () => {
  const html = await (await fetch(`${viaExpress.url}/docs`)).text();
  for (const [namespace, methods] of Object.entries(demoContract)) {
    for (const [name, definition] of Object.entries(methods)) {
      assert.match(html, new RegExp(`${namespace}\\.${name}`));
      assert.ok(html.includes(definition.doc));
    }
  }
  assert.equal((await fetch(`${first.url}/health`)).status, 200);
});

test('batch calls return results in order with per-call errors', async () => {
  const client = createRpcClient(demoContract, { urls: [first.url] });
  const outcomes = await client.$batch([
    { method: 'math.add', params: { a: 1, b: 1 } },
    { method: 'placements.missing', params: { id: 'x' } },
    { method: 'math.add', params: { a: 'one' } },
    { method: 'math.add', params: { a: 2, b: 2 } },
  ]);
  assert.deepEqual(
    outcomes.map((outcome) => (outcome.ok ? (outcome.result as { sum: number }).sum : outcome.error.code)),
    [2, 'NOT_FOUND', 'INVALID_PARAMS', 4],
  );
  await client.$close();
});

test('a per-call deadline ends a slow call with TIMEOUT', async () => {
  const client = createRpcClient(demoContract, { urls: [first.url] });
  await assert.rejects(
    client.placements.slow({ ms: 500 }, { timeoutMs: 50 }),
    (error: unknown) => error instanceof RpcError && error.code === 'TIMEOUT',
  );
  assert.deepEqual(await client.placements.slow({ ms: 5 }), { waited: 5 });
  await client.$close();
});

test('over HTTP, bad bodies get their status and the server keeps serving', async () => {
  const post = (body: string | Buffer, contentType = 'application/json') =>
    fetch(first.url, { method: 'POST', headers: { 'content-type': contentType }, body });
  assert.equal((await post('{"oops"')).status, 400);
  assert.equal((await post('{}', 'text/xml')).status, 415);
  assert.equal((await post(Buffer.alloc(200 * 1024, 'a'))).status, 413);
  const unknown = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'math.divide', params: {} }));
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { data: { code: string } } }).error.data.code, 'METHOD_NOT_FOUND');
  const viaExpressTooBig = await fetch(viaExpress.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.alloc(200 * 1024, 'a'),
  });
  assert.equal(viaExpressTooBig.status, 413);
  const client = createRpcClient(demoContract, { urls: [first.url, viaExpress.url] });
  assert.equal((await client.math.add({ a: 1, b: 1 })).sum, 2);
  await client.$close();
});
