// Opening feeds from files and HTTP: format detection, size limits and failures that name the source.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FeedFormatError, FeedSourceError } from '../src/errors';
import { openFeedSource } from '../src/feed/feed-source';

const directory = mkdtempSync(join(tmpdir(), 'feed-source-'));
const limits = { maxBytes: 1_000, fetchTimeoutMs: 5_000 };
let server: Server;
let base = '';

async function text(body: NodeJS.ReadableStream): Promise<string> {
  let all = '';
  for await (const chunk of body) all += chunk.toString();
  return all;
}

before(async () => {
  server = createServer((request, response) => {
    if (request.url === '/feed') {
      const authorized = request.headers.authorization === `Basic ${Buffer.from('user:secret').toString('base64')}`;
      response.writeHead(authorized ? 200 : 401, { 'content-type': 'text/csv; charset=utf-8' }).end('a,b\n1,2\n');
    }
    else if (request.url === '/rows') response.writeHead(200, { 'content-type': 'application/x-ndjson' }).end('{}\n');
    else if (request.url === '/huge') {
      // No content-length: the limit has to stop the body while it streams.
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let index = 0; index < 20; index += 1) response.write('x'.repeat(100));
      response.end();
    } else if (request.url === '/mystery') response.writeHead(200, { 'content-type': 'application/octet-stream' }).end('?');
    else response.writeHead(503).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://user:secret@127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(directory, { recursive: true, force: true });
});

test('a file: format from the extension, or as given', async () => {
  const file = join(directory, 'feed.CSV');
  writeFileSync(file, 'a,b\n');
  const opened = await openFeedSource(file, limits);
  assert.equal(opened.format, 'csv');
  assert.equal(await text(opened.body), 'a,b\n');
  assert.equal((await openFeedSource(`file://${file}`, { ...limits, format: 'jsonl' })).format, 'jsonl');
});

test('a missing, oversized or unnamed file is refused by name', async () => {
  await assert.rejects(openFeedSource(join(directory, 'nope.csv'), limits), (error: unknown) => error instanceof FeedSourceError && /nope\.csv.*ENOENT/.test(error.message));
  const big = join(directory, 'big.json');
  writeFileSync(big, 'x'.repeat(2_000));
  await assert.rejects(openFeedSource(big, limits), /larger than FEED_MAX_BYTES/);
  const unnamed = join(directory, 'feed.txt');
  writeFileSync(unnamed, 'a');
  await assert.rejects(openFeedSource(unnamed, limits), FeedFormatError);
  await assert.rejects(openFeedSource(directory, limits), /is not a file/);
  await assert.rejects(openFeedSource('ftp://example.com/feed.csv', limits), /file path or an http\(s\) URL/);
});

test('HTTP: format from the content type; URL credentials sent as basic auth and kept out of the stored name', async () => {
  const opened = await openFeedSource(`${base}/feed`, limits);
  assert.equal(opened.format, 'csv');
  assert.equal(await text(opened.body), 'a,b\n1,2\n');
  assert.ok(!opened.name.includes('secret'), opened.name);
  assert.equal((await openFeedSource(`${base}/rows`, limits)).format, 'jsonl');
  await assert.rejects(openFeedSource(`${base}/mystery`, limits), FeedFormatError);
});

test('HTTP: an error status, a refused connection and a body over the limit fail by name', async () => {
  await assert.rejects(openFeedSource(`${base}/down`, limits), /answered HTTP 503/);
  await assert.rejects(openFeedSource('http://127.0.0.1:9/feed.csv', limits), /cannot be fetched/);
  const huge = await openFeedSource(`${base}/huge`, limits);
  await assert.rejects(text(huge.body), /larger than FEED_MAX_BYTES/);
});
