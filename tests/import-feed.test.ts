// Feed import through the real worker, enqueue command, ads-data-api and PostgreSQL: a feed
// mixing good and bad rows lands its good rows and reports each bad one with its line and
// column; importing it again changes nothing; a JSON feed over HTTP works the same way.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { RunningProcess } from './support/processes';
import { type ImportStack, feedAccessEnvironment, runEnqueue, startImportStack, startImportWorker } from './support/import-stack';

let stack: ImportStack;
let worker: RunningProcess | undefined;
let server: Server | undefined;
const directory = mkdtempSync(join(tmpdir(), 'import-feed-'));
/** The feeds of this test come from 127.0.0.1 and from `directory`: allowed by name, as an operator would. */
const environment = (overrides: Record<string, string> = {}) => stack.environment({ ...feedAccessEnvironment(directory), ...overrides });

const HEADER =
  'advertiser_external_id,advertiser_name,campaign_external_id,campaign_name,flight_start,flight_end,total_budget,daily_budget,bid_type,bid_amount,target_countries,ad_external_id,ad_format,ad_title,ad_click_url,ad_width,ad_height';
const row = (
  advertiser: string,
  campaign: string,
  ad: string,
  overrides: Partial<Record<'name' | 'budget' | 'countries' | 'title' | 'url' | 'format', string>> = {},
) =>
  [
    advertiser,
    overrides.name ?? `Advertiser ${advertiser}`,
    campaign,
    `Campaign ${campaign}`,
    '2026-05-01T00:00:00Z',
    '2026-08-31T00:00:00Z',
    overrides.budget ?? '500000',
    '5000',
    'CPM',
    '250',
    overrides.countries ?? 'US|CA',
    ad,
    overrides.format ?? 'native',
    overrides.title ?? `Ad ${ad}`,
    overrides.url ?? `https://${advertiser}.example/${ad}`,
    '',
    '',
  ].join(',');

const FEED = [
  HEADER,
  row('feed-acme', 'acme-c1', 'acme-a1'), // line 2
  row('feed-acme', 'acme-c1', 'acme-a2'), // line 3
  row('feed-acme', 'acme-c1', 'acme-bad-budget', { budget: '12.50' }), // line 4: bad
  row('feed-acme', 'acme-c2', 'acme-a3'), // line 5
  'feed-acme,Acme,acme-c2,too,few,cells', // line 6: bad
  row('feed-globex', 'globex-c1', 'globex-a1'), // line 7
  row('feed-globex', 'globex-c1', 'globex-bad-url', { url: 'not a url' }), // line 8: bad
  row('feed-globex', 'globex-c1', 'globex-a2', { countries: 'US|Canada' }), // line 9: bad
  row('feed-globex', 'globex-c1', 'globex-banner', { format: 'banner' }), // line 10: bad (no size)
  row('feed-globex', 'globex-c2', 'globex-a3'), // line 11
  row('feed-initech', 'initech-c1', 'initech-a1', { name: 'Advertiser feed-acme' }), // line 12: refused by the API (name taken)
].join('\n');

interface ImportResult {
  runId: string;
  status: string;
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  firstErrors: { line: number; field: string; message: string }[];
}

function lastEvent(stdout: string): { event: string; result?: ImportResult; code?: string; error?: string } {
  const lines = stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{"event"'));
  assert.ok(lines.length > 0, `enqueue printed JSON lines:\n${stdout}`);
  return JSON.parse(lines[lines.length - 1]!) as { event: string; result?: ImportResult; code?: string; error?: string };
}

before(async () => {
  stack = await startImportStack('import-feed');
  worker = (await startImportWorker(stack.prefix, environment({ ROLLUP_CRON: '', FEED_CHUNK_SIZE: '3' }))).process;
});

after(async () => {
  await worker?.stop();
  await new Promise<void>((done) => (server === undefined ? done() : server.close(() => done())));
  await stack?.stop();
  rmSync(directory, { recursive: true, force: true });
});

test(
  'a feed of good and bad rows: good rows land, bad rows are reported by line and column; a second import changes nothing',
  { timeout: 180_000 },
  async () => {
    const file = join(directory, 'mixed-feed.csv');
    writeFileSync(file, FEED);

    const first = await runEnqueue(stack.prefix, ['feed-import', '--source', file], environment());
    // The job completes, but rows were refused: the command says so by its exit code (7) and a FEED_ROWS_REFUSED line.
    assert.equal(first.code, 7, `the import job completes with rows refused:\n${first.stdout}${first.stderr}`);
    assert.match(first.stderr, /FEED_ROWS_REFUSED: .*partially_succeeded: 6 of 11 rows refused/);
    const run = lastEvent(first.stdout).result!;
    assert.equal(run.status, 'partially_succeeded');
    assert.deepEqual([run.total, run.created, run.updated, run.unchanged, run.failed], [11, 5, 0, 0, 6]);
    assert.ok(run.runId.length > 0, 'the import run was recorded');
    const errors = run.firstErrors.map((error) => `${error.line}:${error.field}`);
    assert.deepEqual(errors.sort(), [
      '10:ad_width',
      '12:advertiser_name',
      '4:total_budget',
      '6:(row)',
      '8:ad_click_url',
      '9:target_countries',
    ]);
    assert.match(run.firstErrors.find((error) => error.line === 4)!.message, /whole number/);

    const second = await runEnqueue(stack.prefix, ['feed-import', '--source', file], environment());
    assert.equal(second.code, 7, `the second import completes, the same rows refused:\n${second.stdout}${second.stderr}`);
    const again = lastEvent(second.stdout).result!;
    assert.deepEqual(
      [again.total, again.created, again.updated, again.unchanged, again.failed],
      [11, 0, 0, 5, 6],
      'nothing changed the second time',
    );
    assert.notEqual(again.runId, run.runId, 'each import is its own run');

    // One changed cell is one updated ad; the rest stays unchanged.
    const changed = FEED.split('\n');
    changed[2] = row('feed-acme', 'acme-c1', 'acme-a2', { title: 'Ad acme-a2 now on sale' });
    writeFileSync(file, changed.join('\n'));
    const third = await runEnqueue(stack.prefix, ['feed-import', '--source', file, '--local'], environment());
    assert.equal(third.code, 7, `${third.stdout}${third.stderr}`);
    const updated = lastEvent(third.stdout).result!;
    assert.deepEqual([updated.created, updated.updated, updated.unchanged, updated.failed], [0, 1, 4, 6]);
  },
);

test('a JSON feed from an HTTP URL imports the same way', { timeout: 120_000 }, async () => {
  const rows = [
    {
      advertiser_external_id: 'feed-initech',
      advertiser_name: 'Initech',
      campaign_external_id: 'initech-c1',
      campaign_name: 'Q3',
      flight_start: '2026-07-01T00:00:00Z',
      flight_end: '2026-09-30T00:00:00Z',
      total_budget: 90000,
      daily_budget: 1000,
      bid_amount: 120,
      ad_external_id: 'initech-a1',
      ad_title: 'Ship faster',
      ad_click_url: 'https://initech.example/',
    },
    {
      advertiser_external_id: 'feed-initech',
      advertiser_name: 'Initech',
      campaign_external_id: 'initech-c1',
      campaign_name: 'Q3',
      flight_start: '2026-07-01T00:00:00Z',
      flight_end: '2026-09-30T00:00:00Z',
      total_budget: 90000,
      daily_budget: 1000,
      bid_amount: 120,
      ad_external_id: 'initech-a2',
      ad_title: 'Ship faster, again',
      ad_click_url: 'https://initech.example/2',
      colour: 'red',
    },
  ];
  server = createServer((request, response) => {
    if (request.url === '/feeds/initech.json') response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
    else response.writeHead(404).end();
  });
  await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;

  const [result, missing] = await Promise.all([
    runEnqueue(stack.prefix, ['feed-import', '--source', `http://127.0.0.1:${port}/feeds/initech.json`], environment()),
    runEnqueue(stack.prefix, ['feed-import', '--source', `http://127.0.0.1:${port}/feeds/nope.json`, '--local'], environment()),
  ]);
  assert.equal(result.code, 7, `${result.stdout}${result.stderr}`);
  const run = lastEvent(result.stdout).result!;
  assert.deepEqual([run.total, run.created, run.failed], [2, 1, 1]);
  assert.deepEqual(
    run.firstErrors.map((error) => [error.line, error.field]),
    [[2, 'colour']],
  );
  assert.equal(missing.code, 7, 'an unreachable feed fails the job');
  assert.equal(lastEvent(missing.stdout).code, 'FEED_SOURCE_UNREADABLE');
  assert.match(lastEvent(missing.stdout).error ?? '', /HTTP 404/);
});

test('a feed with a misspelt column fails as a whole, naming the column; bad options are refused', { timeout: 120_000 }, async () => {
  const file = join(directory, 'bad-header.csv');
  writeFileSync(file, FEED.replace('ad_title', 'ad_titel'));
  const [result, usage] = await Promise.all([
    runEnqueue(stack.prefix, ['feed-import', '--source', file, '--local'], environment()),
    runEnqueue(stack.prefix, ['feed-import'], environment()),
  ]);
  assert.equal(result.code, 6, 'a feed that is not one: stored data invalid');
  const failure = lastEvent(result.stdout);
  assert.equal(failure.event, 'failed');
  assert.equal(failure.code, 'FEED_FORMAT_INVALID');
  assert.match(failure.error ?? '', /ad_titel/);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /JOB_INVALID.*--source/);
});
