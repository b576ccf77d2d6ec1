// Opening feeds from files and HTTP: format detection, size limits and failures that name the
// source; the HTTP deadline (the answer only) and the idle limit while the body streams.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FeedFormatError, FeedSourceError } from '../src/errors';
import { openFeedSource } from '../src/store/feed-source';

const directory = mkdtempSync(join(tmpdir(), 'feed-source-'));
/** The feed server of these tests listens on 127.0.0.1, which feeds may reach only when the operator allows it. */
const access = { allowedHosts: [{ host: '127.0.0.1' }], localDir: directory, maxRedirects: 5 };
const limits = { maxBytes: 1_000, fetchTimeoutMs: 5_000, access };
/**
 * A short FEED_FETCH_TIMEOUT_MS for the deadline tests; the slow feeds below take several times
 * longer. Not shorter: the server and the reader share this event loop, and a loaded machine
 * must not make a 100 ms gap look like a timeout.
 */
const TIMEOUT_MS = 1_000;
const timed = { maxBytes: 10_000_000, fetchTimeoutMs: TIMEOUT_MS, access };
/** A body of several socket reads, sent at once. */
const BURST = `a,b\n${'1,2\n'.repeat(50_000)}`;
let server: Server;
let base = '';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function isNamedTimeout(url: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof FeedSourceError, `a FeedSourceError, not ${String(error)}`);
    assert.equal(error.code, 'FEED_SOURCE_UNREADABLE');
    assert.ok(error.message.includes(url), `the message names the feed: ${error.message}`);
    assert.ok(error.message.includes(`${TIMEOUT_MS} ms`), `the message names the timeout: ${error.message}`);
    return true;
  };
}

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
    } else if (request.url === '/rows') response.writeHead(200, { 'content-type': 'application/x-ndjson' }).end('{}\n');
    else if (request.url === '/huge') {
      // No content-length: the limit has to stop the body while it streams.
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let index = 0; index < 20; index += 1) response.write('x'.repeat(100));
      response.end();
    } else if (request.url === '/mystery') response.writeHead(200, { 'content-type': 'application/octet-stream' }).end('?');
    else if (request.url === '/steady.csv') {
      // A row every 100 ms for 3 s: slow, never idle for the timeout.
      response.writeHead(200).write('a,b\n');
      let rows = 0;
      const timer = setInterval(() => {
        response.write('1,2\n');
        rows += 1;
        if (rows === 30) {
          clearInterval(timer);
          response.end();
        }
      }, 100);
      response.on('close', () => clearInterval(timer));
    } else if (request.url === '/burst.csv') response.writeHead(200).end(BURST);
    else if (request.url === '/stall.csv') response.writeHead(200).write('a,b\n1,2\n');
    else if (request.url === '/broken.csv') {
      response.writeHead(200).write('a,b\n1,2\n');
      setTimeout(() => response.socket?.destroy(), 50);
    } else if (request.url === '/silent.csv') {
      // Never answers.
    } else response.writeHead(503).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://user:secret@127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  const closed = new Promise<void>((done) => server.close(() => done()));
  server.closeAllConnections();
  await closed;
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
  await assert.rejects(
    openFeedSource(join(directory, 'nope.csv'), limits),
    (error: unknown) => error instanceof FeedSourceError && /nope\.csv.*ENOENT/.test(error.message),
  );
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

test('HTTP: a body streaming slowly but steadily for longer than the timeout is read whole', { timeout: 20_000 }, async () => {
  const started = Date.now();
  const opened = await openFeedSource(`${base}/steady.csv`, timed);
  assert.equal(await text(opened.body), `a,b\n${'1,2\n'.repeat(30)}`);
  assert.ok(Date.now() - started > 2.5 * TIMEOUT_MS, 'the feed took several times the timeout');
});

test('HTTP: a reader slower than the timeout (the API pacing the import) is not the server being idle', { timeout: 20_000 }, async () => {
  const started = Date.now();
  const opened = await openFeedSource(`${base}/burst.csv`, timed);
  let all = '';
  for await (const chunk of opened.body) {
    // One pause longer than the timeout, in the middle of the body (a time wait on purpose: the reader is slow).
    if (all === '') await sleep(TIMEOUT_MS * 1.5);
    all += chunk.toString();
  }
  assert.equal(all.length, BURST.length);
  assert.ok(Date.now() - started > 1.5 * TIMEOUT_MS, 'reading took longer than the timeout');
});

test(
  'HTTP: a server that sends the headers and then nothing fails the read, naming the feed and the timeout',
  { timeout: 20_000 },
  async () => {
    const opened = await openFeedSource(`${base}/stall.csv`, timed);
    const started = Date.now();
    await assert.rejects(text(opened.body), isNamedTimeout(opened.name));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= TIMEOUT_MS - 50 && elapsed < TIMEOUT_MS + 1_500, `failed after ${elapsed} ms`);
  },
);

test('HTTP: a connection broken in the middle of the body fails the read, naming the feed', { timeout: 20_000 }, async () => {
  const opened = await openFeedSource(`${base}/broken.csv`, timed);
  await assert.rejects(
    text(opened.body),
    (error: unknown) => error instanceof FeedSourceError && error.code === 'FEED_SOURCE_UNREADABLE' && error.message.includes(opened.name),
  );
});

test('HTTP: a server that never answers fails the open, naming the feed and the timeout', { timeout: 20_000 }, async () => {
  const started = Date.now();
  await assert.rejects(openFeedSource(`${base}/silent.csv`, timed), isNamedTimeout(`${base.replace('user:secret@', '')}/silent.csv`));
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= TIMEOUT_MS - 50 && elapsed < TIMEOUT_MS + 1_500, `failed after ${elapsed} ms`);
});

test(
  'HTTP: an abort (worker shutdown) reaches the reader as an AbortError, whether the body is all received or still awaited',
  { timeout: 20_000 },
  async () => {
    for (const path of ['/burst.csv', '/stall.csv']) {
      const shutdown = new AbortController();
      const opened = await openFeedSource(`${base}${path}`, { ...timed, fetchTimeoutMs: 10_000, signal: shutdown.signal });
      const reading = (async () => {
        for await (const _chunk of opened.body) {
          shutdown.abort();
          // A time wait on purpose: a reader busy with the chunk when the abort lands.
          await sleep(50);
        }
      })();
      await assert.rejects(reading, (error: unknown) => (error as Error).name === 'AbortError', path);
    }
  },
);
