// What the import worker refuses, as real processes against a real ads-data-api and Redis: feed
// sources on this host (the data API's own port, a local file) unless the operator allowed them
// by name, a redirect from an allowed host to another local port, a file that is no feed leaking
// into the import run's errors; and a queue dashboard reached under a foreign Host, changed from
// another origin, or listening beyond loopback without a password.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ImportRun } from '@ads/ads-client';
import { type StatusAndCode, requestStatusAndCode } from '@ads/test-kit';
import { Queue } from 'bullmq';
import {
  IMPORT_SERVICE_DIR,
  type ImportStack,
  type ImportWorker,
  feedAccessEnvironment,
  runEnqueue,
  startImportStack,
  startImportWorker,
} from './support/import-stack';
import { runTsCommand } from './support/processes';

let stack: ImportStack;
let worker: ImportWorker | undefined;
let feedServer: Server;
let feedPort = 0;
/** Paths the feed server was asked for: a refused source must never be requested. */
const requested: string[] = [];
const directory = mkdtempSync(join(tmpdir(), 'import-hardening-'));
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';

function lastEvent(stdout: string): { event: string; code?: string; error?: string } {
  const lines = stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{"event"'));
  assert.ok(lines.length > 0, `enqueue printed JSON lines:\n${stdout}`);
  return JSON.parse(lines[lines.length - 1]!) as { event: string; code?: string; error?: string };
}

/** One request with exactly these headers (fetch would not send a foreign Host). */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<StatusAndCode> {
  return requestStatusAndCode(url, { method, headers }, body);
}

/** The import runs recorded for a source, read through the REST API as an admin tool would. */
async function runsOf(source: string): Promise<ImportRun[]> {
  const response = await fetch(`${stack.dataApiRpcUrl.replace(/\/rpc$/, '')}/api/v1/import-runs?limit=100`, {
    headers: { authorization: `Bearer ${stack.serviceKey}` },
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { items: ImportRun[] }).items.filter((run) => run.source === source);
}

before(async () => {
  stack = await startImportStack('import-hardening');
  feedServer = createServer((request, response) => {
    requested.push(request.url ?? '');
    if (request.url === '/to-data-api')
      response.writeHead(302, { location: stack.dataApiRpcUrl.replace(/\/rpc$/, '/api/v1/advertisers') }).end();
    else response.writeHead(200, { 'content-type': 'text/csv' }).end('advertiser_external_id\n');
  });
  await new Promise<void>((done) => feedServer.listen(0, '127.0.0.1', done));
  feedPort = (feedServer.address() as { port: number }).port;
  // No FEED_ALLOWED_HOSTS: the default policy. The local folder holds a file that is no feed.
  worker = await startImportWorker(stack.prefix, stack.environment({ ROLLUP_CRON: '', FEED_LOCAL_DIR: directory }));
});

after(async () => {
  await worker?.process.stop();
  await new Promise<void>((done) => feedServer?.close(() => done()));
  await stack?.stop();
  rmSync(directory, { recursive: true, force: true });
});

test(
  'a feed URL on this host is refused by policy, though its server is up: the data API port, the feed server, a local file',
  { timeout: 120_000 },
  async () => {
    const dataApiUrl = stack.dataApiRpcUrl.replace(/\/rpc$/, '/api/v1/advertisers');
    const sources = [`http://127.0.0.1:${feedPort}/feed.csv`, dataApiUrl, 'file:///etc/passwd', '/etc/passwd'];
    const results = await Promise.all(
      sources.map((source) => runEnqueue(stack.prefix, ['feed-import', '--source', source, '--format', 'csv'], stack.environment())),
    );
    results.forEach((result, index) => {
      assert.equal(result.code, 5, `${sources[index]}: the job fails, refused\n${result.stdout}${result.stderr}`);
      assert.equal(lastEvent(result.stdout).code, 'FEED_SOURCE_REFUSED', sources[index]);
      assert.match(result.stderr, /ads-data-import: FEED_SOURCE_REFUSED: /, sources[index]);
    });
    assert.deepEqual(requested, [], 'the feed server was never asked');
    const [run] = await runsOf(`http://127.0.0.1:${feedPort}/feed.csv`);
    assert.equal(run?.status, 'failed');
    assert.match(run.errors[0]!.message, /loopback/);
    for (const source of ['/etc/passwd', 'file:///etc/passwd']) {
      const runs = await runsOf(source);
      assert.equal(runs.length, 1, source);
      assert.ok(!JSON.stringify(runs).includes('root:'), 'nothing of the file is stored');
    }
  },
);

test(
  'allowed by name (FEED_ALLOWED_HOSTS), the feed host is fetched; its redirect to another local port is refused',
  { timeout: 120_000 },
  async () => {
    const allowed = stack.environment(feedAccessEnvironment(directory, `127.0.0.1:${feedPort}`));
    requested.length = 0;
    const [fetched, redirected] = await Promise.all([
      runEnqueue(stack.prefix, ['feed-import', '--source', `http://127.0.0.1:${feedPort}/allowed.csv`, '--local'], allowed),
      runEnqueue(
        stack.prefix,
        ['feed-import', '--source', `http://127.0.0.1:${feedPort}/to-data-api`, '--format', 'csv', '--local'],
        allowed,
      ),
    ]);
    // The allowed feed is read (its header is incomplete: a feed format failure, not a refusal).
    assert.equal(fetched.code, 6);
    assert.equal(lastEvent(fetched.stdout).code, 'FEED_FORMAT_INVALID');
    assert.match(lastEvent(fetched.stdout).error ?? '', /required column/);
    assert.ok(requested.includes('/allowed.csv'));
    assert.equal(redirected.code, 5);
    assert.equal(lastEvent(redirected.stdout).code, 'FEED_SOURCE_REFUSED');
    assert.match(
      lastEvent(redirected.stdout).error ?? '',
      /redirected to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/advertisers, which is refused: 127\.0\.0\.1 is a loopback address/,
    );
  },
);

test('a local file that is no feed fails without its lines landing in the import run', { timeout: 120_000 }, async () => {
  const file = join(directory, 'accounts.csv');
  writeFileSync(file, PASSWD);
  const result = await runEnqueue(stack.prefix, ['feed-import', '--source', file], stack.environment());
  assert.equal(result.code, 6, `${result.stdout}${result.stderr}`);
  assert.equal(lastEvent(result.stdout).code, 'FEED_FORMAT_INVALID');
  assert.match(lastEvent(result.stdout).error ?? '', /not a feed header/);
  const runs = await runsOf(file);
  assert.equal(runs.length, 1);
  const stored = JSON.stringify(runs);
  assert.ok(!stored.includes('root') && !stored.includes('/bin/bash'), stored);
  assert.ok(!result.stdout.includes('root:x'), 'nor in what the job answers');
});

test('the dashboard refuses a foreign Host and a change from another origin; nothing is queued', { timeout: 60_000 }, async () => {
  const foreign = await send(`${worker!.url}/queues/api/queues`, 'GET', { host: `rebound.attacker.example:${worker!.port}` });
  assert.deepEqual(foreign, { status: 403, code: 'DASHBOARD_HOST_REFUSED' });

  const add = `${worker!.url}/queues/api/queues/feed-import/add`;
  const body = JSON.stringify({ name: 'feed-import', data: { source: 'file:///etc/passwd' } });
  const crossOrigin = await send(
    add,
    'POST',
    { 'content-type': 'text/plain', origin: 'http://attacker.example', 'sec-fetch-site': 'cross-site' },
    body,
  );
  assert.deepEqual(crossOrigin, { status: 403, code: 'DASHBOARD_CROSS_ORIGIN' });
  const queue = new Queue('feed-import', { connection: stack.redis, prefix: stack.keys.queuePrefix });
  try {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed');
    const before = Object.values(counts).reduce((sum, count) => sum + count, 0);
    const again = await send(add, 'POST', { 'content-type': 'application/json', origin: 'http://attacker.example' }, body);
    assert.deepEqual(again, { status: 403, code: 'DASHBOARD_CROSS_ORIGIN' });
    const after = Object.values(await queue.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed')).reduce(
      (sum, count) => sum + count,
      0,
    );
    assert.equal(after, before, 'no job was added');
  } finally {
    await queue.close();
  }
  assert.equal((await fetch(`${worker!.url}/queues/api/queues`)).status, 200, 'its own name still works');
});

test('a worker listening beyond loopback without DASHBOARD_PASSWORD refuses to start, naming it', { timeout: 60_000 }, async () => {
  const result = await runTsCommand(
    IMPORT_SERVICE_DIR,
    'src/main.ts',
    ['worker'],
    stack.environment({ WORKER_HOST: '0.0.0.0', WORKER_PORT: '0', DASHBOARD_PASSWORD: '' }),
    30_000,
  );
  assert.equal(result.code, 3, `exits 3 (environment) at once:\n${result.stdout}${result.stderr}`);
  assert.match(result.stderr, /DASHBOARD_PASSWORD_REQUIRED: .*DASHBOARD_PASSWORD/);
});
