// The command against a data API that answers but fails on its side, run as a real process:
// a proxy with no backend (an HTML 503 page) and the data API with its database down (a
// JSON-RPC INTERNAL error) are outages to retry (exit 3), not refusals to fix (exit 4).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisKeys } from '@ads/ads-client';
import { runCommand } from './support/run-command';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);

after(async () => {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
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
      assert.equal(result.stdout, '');
    });
    assert.equal(await redis.get(keys.scoresCurrent), 'v-kept');
  });
}
