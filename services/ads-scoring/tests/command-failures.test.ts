// The command's failure paths, run as a real process: bad flags and environment, and an
// unreachable ads-data-api, which must fail loudly and leave the current scores in place; a
// data API that answers but fails on its side (a proxy's HTML 503 page, a JSON-RPC INTERNAL
// error when its database is down) is an outage to retry (exit 3), not a refusal (exit 4).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisKeys } from '@ads/ads-client';
import { closedPort, runCommand } from './support/run-command';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);

after(async () => {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

async function environment(): Promise<Record<string, string>> {
  return { DATA_API_URLS: `http://127.0.0.1:${await closedPort()}/rpc`, DATA_API_TOKEN: 'unused', REDIS_KEY_PREFIX: keys.prefix, DATA_API_TIMEOUT_MS: '3000' };
}

test('an unreachable data API ends the run with exit code 3 and keeps the current version', async () => {
  await redis.set(keys.scoresCurrent, 'v-kept');
  await redis.hset(keys.scoresVersion('v-kept'), 'ad-1', '{"pCtr":0.01,"eCpmMicros":1,"pacingFactor":1}');
  const result = await runCommand(['run', '--json'], await environment());
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /DATA_API_UNAVAILABLE/);
  assert.equal(JSON.parse(result.stdout).code, 'DATA_API_UNAVAILABLE', 'with --json the failure is one JSON line');
  assert.equal(await redis.get(keys.scoresCurrent), 'v-kept');
  assert.equal(await redis.get(keys.scoresPrevious), null);
  assert.deepEqual(await redis.keys(keys.scoresVersion('*')), [keys.scoresVersion('v-kept')]);
});

test('bad flags are refused with exit code 2, naming the flag', async () => {
  const top = await runCommand(['run', '--top', '0'], await environment());
  assert.equal(top.code, 2, top.stderr);
  assert.match(top.stderr, /--top/);
  const unknown = await runCommand(['run', '--dryrun'], await environment());
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /--dryrun/);
});

test('a bad environment variable is named', async () => {
  const env = await environment();
  const token = await runCommand(['run'], { ...env, DATA_API_TOKEN: '' });
  assert.equal(token.code, 2);
  assert.match(token.stderr, /CONFIG_INVALID.*DATA_API_TOKEN/);
  const pacing = await runCommand(['run'], { ...env, PACING_MIN_FACTOR: '0.9', PACING_MAX_FACTOR: '0.5' });
  assert.equal(pacing.code, 2);
  assert.match(pacing.stderr, /PACING_MAX_FACTOR/);
});

type Answer = (body: string, response: ServerResponse) => void;

const htmlServiceUnavailable: Answer = (_body, response) => {
  response.writeHead(503, { 'content-type': 'text/html' });
  response.end('<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
};

const jsonRpcInternal: Answer = (body, response) => {
  const { id } = JSON.parse(body) as { id: unknown };
  response.writeHead(500, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message: 'internal error', data: { code: 'INTERNAL' } } }));
};

async function withStandIn(answer: Answer, use: (url: string) => Promise<void>): Promise<void> {
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => answer(body, response));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    await use(`http://127.0.0.1:${(server.address() as { port: number }).port}/rpc`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
}

for (const [failure, answer] of [
  ['a proxy with no backend answering an HTML 503 page', htmlServiceUnavailable],
  ['a JSON-RPC INTERNAL error (its database down)', jsonRpcInternal],
] as const) {
  test(`a data API failing on its side (${failure}) ends the run with exit code 3, naming it`, async () => {
    await redis.set(keys.scoresCurrent, 'v-kept');
    await withStandIn(answer, async (url) => {
      const result = await runCommand(['run', '--json'], { DATA_API_URLS: url, DATA_API_TOKEN: 'unused', REDIS_KEY_PREFIX: keys.prefix, DATA_API_TIMEOUT_MS: '3000' });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /DATA_API_UNAVAILABLE: ads-data-api \(http:\/\/127\.0\.0\.1:\d+\/rpc\)/);
      assert.deepEqual(Object.keys(JSON.parse(result.stdout)), ['ok', 'code', 'message']);
    });
    assert.equal(await redis.get(keys.scoresCurrent), 'v-kept');
  });
}
