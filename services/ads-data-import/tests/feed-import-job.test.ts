// The feed import job against a real ads-data-api and PostgreSQL (started by the repository's
// test harness, as the benchmarks do): an HTTP feed slower than FEED_FETCH_TIMEOUT_MS imports
// whole, and a worker shutdown mid-feed, over HTTP or from a file, interrupts the job (so that
// the worker returns it to the queue) without recording the run as failed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ImportRun } from '@ads/ads-client';
import { waitFor } from '@ads/test-kit';
import { pino } from 'pino';
import { type BenchStack, startBenchStack } from '../bench/bench-stack';
import { ImportInterruptedError } from '../src/errors';
import { type FeedImportDependencies, type FeedImportProgress, runFeedImport } from '../src/app/feed-import-job';
import { createDataApiClient, type DataApiClient } from '../src/store/data-api-client';

const HEADER =
  'advertiser_external_id,advertiser_name,campaign_external_id,campaign_name,flight_start,flight_end,total_budget,daily_budget,bid_type,bid_amount,ad_external_id,ad_title,ad_click_url';
/** One ad per row, all in one campaign of one advertiser of the feed's own. */
const feedRow = (feed: string, index: number) =>
  [
    `job-${feed}`,
    `Job test ${feed}`,
    `job-${feed}-c1`,
    'Summer',
    '2026-06-01T00:00:00Z',
    '2026-08-31T00:00:00Z',
    '500000',
    '5000',
    'CPM',
    '250',
    `job-${feed}-ad-${index}`,
    `Ad ${index}`,
    `https://${feed}.example/${index}`,
  ].join(',');
const feedText = (feed: string, rows: number) =>
  `${HEADER}\n${Array.from({ length: rows }, (_, index) => feedRow(feed, index)).join('\n')}\n`;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const directory = mkdtempSync(join(tmpdir(), 'feed-import-job-'));
let stack: BenchStack;
let client: DataApiClient;
let server: Server;
let base = '';
const closedResponses = new Set<string>();

/** Streams `rows` rows of `feed`, `perTick` every `tickMs`, like a partner's slow export. */
function streamFeed(response: ServerResponse, feed: string, rows: number, perTick: number, tickMs: number): void {
  response.writeHead(200, { 'content-type': 'text/csv' }).write(`${HEADER}\n`);
  let sent = 0;
  const timer = setInterval(() => {
    for (let index = 0; index < perTick && sent < rows; index += 1, sent += 1) response.write(`${feedRow(feed, sent)}\n`);
    if (sent === rows) {
      clearInterval(timer);
      response.end();
    }
  }, tickMs);
  response.on('close', () => {
    clearInterval(timer);
    closedResponses.add(feed);
  });
}

function dependencies(fetchTimeoutMs: number): FeedImportDependencies {
  return {
    dataApi: client,
    logger: pino({ level: 'silent' }),
    settings: {
      chunkSize: 10,
      uploadConcurrency: 1,
      maxBytes: 50_000_000,
      fetchTimeoutMs,
      maxStoredErrors: 1_000,
      // The feed server listens on 127.0.0.1 and the file feeds sit in the test's folder: both allowed by name.
      allowedHosts: [{ host: '127.0.0.1' }],
      localDir: directory,
      maxRedirects: 5,
    },
  };
}

/** The runs recorded for a source, read back through the REST API as the dashboard would. */
async function runsOf(source: string): Promise<ImportRun[]> {
  const response = await fetch(`${stack.rpcUrl.replace(/\/rpc$/, '')}/api/v1/import-runs?limit=100`, {
    headers: { authorization: `Bearer ${stack.serviceKey}` },
  });
  assert.equal(response.status, 200, await response.clone().text());
  const page = (await response.json()) as { items: ImportRun[] };
  return page.items.filter((run) => run.source === source);
}

/**
 * Aborts the job's signal (what BullMQ does when the grace period of a shutdown is over) once
 * `afterRows` rows have landed. The progress hook then takes a while, as the worker's Redis
 * call may: the shutdown lands while the loop waits for the upload, as it mostly does.
 */
function shutdownAfter(afterRows: number): { signal: AbortSignal; onProgress: (progress: FeedImportProgress) => Promise<void> } {
  const shutdown = new AbortController();
  return {
    signal: shutdown.signal,
    onProgress: async (progress) => {
      if (progress.phase !== 'importing' || progress.rowsUpserted < afterRows || shutdown.signal.aborted) return;
      shutdown.abort('worker shutdown');
      // A time wait on purpose: it stands for a slow Redis call of the worker's progress hook.
      await sleep(300);
    },
  };
}

async function assertInterrupted(running: Promise<unknown>, source: string): Promise<void> {
  await assert.rejects(running, (error: unknown) => {
    assert.ok(
      error instanceof ImportInterruptedError,
      `ImportInterruptedError, not ${error instanceof Error ? `${error.name}: ${error.message}` : `${typeof error} ${String(error)}`}`,
    );
    assert.equal(error.code, 'SHUTTING_DOWN');
    return true;
  });
  const runs = await runsOf(source);
  assert.equal(runs.length, 1, 'the attempt recorded its run when it started');
  assert.notEqual(runs[0]!.status, 'failed', 'an interrupted attempt is not a failed import');
  assert.equal(runs[0]!.status, 'running');
}

before(async () => {
  stack = await startBenchStack();
  client = createDataApiClient({ urls: [stack.rpcUrl], token: stack.importerKey, timeoutMs: 60_000 });
  server = createServer((request, response) => {
    if (request.url === '/slow.csv') streamFeed(response, 'slow', 80, 10, 250);
    else if (request.url === '/interrupted.csv') streamFeed(response, 'interrupted-http', 2_000, 10, 20);
    else response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  const closed = new Promise<void>((done) => server?.close(() => done()));
  server?.closeAllConnections();
  await closed;
  await client?.$close();
  await stack?.stop();
  rmSync(directory, { recursive: true, force: true });
});

test('an HTTP feed streaming for longer than FEED_FETCH_TIMEOUT_MS imports whole', { timeout: 60_000 }, async () => {
  const started = Date.now();
  const summary = await runFeedImport(dependencies(1_000), { source: `${base}/slow.csv` });
  assert.ok(Date.now() - started > 1_900, 'the feed took about twice the timeout');
  assert.equal(summary.status, 'succeeded');
  assert.deepEqual([summary.total, summary.created, summary.failed], [80, 80, 0]);
});

test('a shutdown in the middle of an HTTP feed interrupts the job; the run is not recorded failed', { timeout: 60_000 }, async () => {
  const source = `${base}/interrupted.csv`;
  await assertInterrupted(runFeedImport(dependencies(10_000), { source }, shutdownAfter(20)), source);
  // The body was cancelled, not left streaming.
  await waitFor(() => closedResponses.has('interrupted-http'), 'the connection to the feed to be closed', { timeoutMs: 5_000 });
});

test('a shutdown in the middle of a file feed interrupts the job; the run is not recorded failed', { timeout: 60_000 }, async () => {
  const file = join(directory, 'interrupted.csv');
  writeFileSync(file, feedText('interrupted-file', 2_000));
  await assertInterrupted(runFeedImport(dependencies(10_000), { source: file }, shutdownAfter(20)), file);
});
