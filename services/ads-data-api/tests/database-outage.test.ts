// PostgreSQL going away under a running data API (src/main.ts, as production runs it): REST and
// RPC answer 503 DATABASE_UNAVAILABLE with Retry-After, the outage is logged once when it starts
// and once when it ends, and nothing is lost: refused writes were not applied, and sent again
// after the outage they are applied exactly once. The database is cut by a TCP proxy, never
// by stopping the machine's shared PostgreSQL.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import { waitFor } from '@ads/test-kit';

import { loadConfig } from '../src/config';

const config = loadConfig();
import { issueApiKeySecret } from '../src/domain/api-key-secret';
import { withDatabaseName } from '../src/store/database-url';
import { createAd, createAdvertiser, createCampaign } from './support/inventory-fixtures';
import { startPostgresCutProxy, type PostgresCutProxy } from './support/postgres-cut-proxy';
import { packageRoot } from './support/run-package-script';
import { createTestDatabase, type MigratedTestDatabase } from './support/test-database';

let database: MigratedTestDatabase;
let proxy: PostgresCutProxy;
let child: ChildProcess | undefined;
let base: string;
let adminKey: string;
let serviceKey: string;
let adId: string;
const logLines: Array<{ msg?: string; level?: number; event?: string; refusedRequests?: number }> = [];

async function insertKey(role: 'admin' | 'service'): Promise<string> {
  const issued = issueApiKeySecret();
  await database.prisma.apiKey.create({ data: { name: `outage ${role}`, role, prefix: issued.prefix, hash: issued.hash } });
  return issued.secret;
}

before(async () => {
  database = await createTestDatabase();
  adminKey = await insertKey('admin');
  serviceKey = await insertKey('service');
  const advertiser = await createAdvertiser(database.prisma);
  adId = (await createAd(database.prisma, (await createCampaign(database.prisma, advertiser.id)).id)).id;

  const target = new URL(config.databaseUrl);
  proxy = await startPostgresCutProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(withDatabaseName(config.databaseUrl, database.name));
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const started = spawn(process.execPath, ['--conditions=@ads/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: packageRoot,
    env: {
      ...process.env,
      PORT: '0',
      DATABASE_URL: proxied.toString(),
      REDIS_KEY_PREFIX: `test:outage:${randomBytes(4).toString('hex')}:`,
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = started;
  let pending = '';
  const listening = new Promise<number>((resolve, reject) => {
    started.once('exit', (code) => reject(new Error(`ads-data-api exited (${code}) before listening`)));
    started.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const entry = JSON.parse(line) as (typeof logLines)[number] & { port?: number };
        logLines.push(entry);
        if (entry.msg === 'ads-data-api listening') resolve(entry.port!);
      }
    });
  });
  base = `http://127.0.0.1:${await listening}`;
});

after(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await proxy?.close();
  await database?.drop();
});

const rest = (path: string, init: RequestInit & { key?: string } = {}) =>
  fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${init.key ?? adminKey}`, 'content-type': 'application/json', ...init.headers },
  });

const ingest = (batchId: string) =>
  fetch(`${base}/rpc`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'stats.ingest',
      params: {
        batchId,
        rows: [{ adId, hour: '2026-01-01T10:00:00Z', impressions: 7, viewableImpressions: 5, clicks: 1, spendMicros: 7000 }],
      },
    }),
  });

const logged = (event: string) => logLines.filter((line) => line.event === event);

it('answers 503 DATABASE_UNAVAILABLE with Retry-After on REST and RPC, logs the outage once each way, loses nothing', async () => {
  assert.equal((await rest('/api/v1/advertisers')).status, 200);

  await proxy.cut();
  const refusedWrite = await rest('/api/v1/advertisers', { method: 'POST', body: JSON.stringify({ name: 'Written During The Outage' }) });
  const answers = [
    refusedWrite,
    await rest('/api/v1/campaigns'),
    await rest('/api/v1/me', { key: serviceKey }),
    await fetch(`${base}/readyz`),
  ];
  for (const answer of answers) {
    assert.equal(answer.status, 503, `${answer.url}: ${answer.status}`);
    assert.equal(answer.headers.get('retry-after'), '5', answer.url);
    assert.equal(((await answer.json()) as { code: string }).code, 'DATABASE_UNAVAILABLE', answer.url);
  }
  const refusedBatch = await ingest('outage-batch-1');
  assert.equal(refusedBatch.status, 503);
  assert.equal(refusedBatch.headers.get('retry-after'), '5');
  const rpcError = ((await refusedBatch.json()) as { error: { code: number; data: { code: string; retryAfterSeconds: number } } }).error;
  assert.deepEqual([rpcError.code, rpcError.data.code, rpcError.data.retryAfterSeconds], [-32031, 'DATABASE_UNAVAILABLE', 5]);
  const queried = await fetch(`${base}/rpc`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serviceKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 2,
      method: 'stats.query',
      params: { level: 'ad', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
    }),
  });
  assert.equal(queried.status, 503);

  assert.equal(logged('database_outage_started').length, 1, 'the start is logged once');
  assert.equal(logLines.filter((line) => (line.level ?? 0) >= 50).length, 1, 'no error line per refused request');

  await proxy.restore();
  await waitFor(() => logged('database_outage_ended').length > 0, 'the end of the outage to be logged', { timeoutMs: 20_000 });
  assert.equal(
    logged('database_outage_ended').length,
    1,
    `the end is logged once: ${JSON.stringify(logLines.map((line) => [line.msg, line.event]))}`,
  );
  assert.equal(
    logged('database_outage_ended')[0]!.refusedRequests,
    5,
    'three REST and two RPC requests (readiness probes are not requests)',
  );

  // Nothing half-written; the refused calls, sent again, apply once.
  assert.equal(await database.prisma.advertiser.count({ where: { name: 'Written During The Outage' } }), 0);
  assert.equal(await database.prisma.statsBatch.count({ where: { batchId: 'outage-batch-1' } }), 0);
  assert.equal(
    (await rest('/api/v1/advertisers', { method: 'POST', body: JSON.stringify({ name: 'Written During The Outage' }) })).status,
    201,
  );
  assert.equal((await ingest('outage-batch-1')).status, 200);
  assert.equal((await ingest('outage-batch-1')).status, 200);
  const stats = await database.prisma.hourlyStat.findMany({ where: { adId } });
  assert.deepEqual(
    stats.map((row) => row.impressions),
    [7],
  );
  assert.equal((await fetch(`${base}/readyz`)).status, 200);
  assert.equal(logged('database_outage_started').length, 1);
});
