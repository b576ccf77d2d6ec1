// `npm run bench:rest -w @ads/ads-data-api`: REST list of ads with 100,000 ads, paging through
// every page over HTTP (rows/s), against baselines measured in the same run on the same data:
// the same rows by one raw SELECT, and by the same keyset pages in raw SQL.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { Redis } from 'ioredis';

import { loadConfig } from '../src/config';
import { issueApiKeySecret } from '../src/domain/api-key-secret';
import { poolConfigOf } from '../src/store/database-url';
import { deleteRedisPrefix } from '../tests/support/rest-fixture';
import { createTestDatabase } from '../tests/support/test-database';

const config = loadConfig();

const ADS = Number(process.env.BENCH_ADS ?? 100_000);
const CAMPAIGNS = Math.max(1, Math.round(ADS / 100));
const ADVERTISERS = Math.max(1, Math.round(CAMPAIGNS / 10));
const PAGE = 200;
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const format = (value: number) => Math.round(value).toLocaleString('en-US');

async function seed(client: pg.Client): Promise<string> {
  const started = performance.now();
  await client.query(`
    INSERT INTO advertiser (id, name, updated_at)
    SELECT gen_random_uuid(), 'Bench advertiser ' || n, now() FROM generate_series(1, ${ADVERTISERS}) AS n`);
  await client.query(`
    INSERT INTO campaign (id, advertiser_id, name, status, flight_start, flight_end, total_budget, bid_amount, updated_at)
    SELECT gen_random_uuid(), a.id, 'Bench campaign ' || n, 'active', now() - interval '1 day', now() + interval '30 days', 100000, 250, now()
      FROM generate_series(1, ${CAMPAIGNS}) AS n
      JOIN (SELECT id, row_number() OVER () AS r FROM advertiser) a ON a.r = 1 + n % ${ADVERTISERS}`);
  // Distinct creation times, as real rows have; the id breaks the few ties.
  await client.query(`
    INSERT INTO ad (id, campaign_id, format, title, body, click_url, status, review_state, created_at, updated_at)
    SELECT gen_random_uuid(), c.id, 'native', 'Bench ad ' || n, 'A body of a reasonable length for a native ad, ' || n,
           'https://shop.example/p/' || n, 'active', 'approved',
           now() - (n || ' milliseconds')::interval, now()
      FROM generate_series(1, ${ADS}) AS n
      JOIN (SELECT id, row_number() OVER () AS r FROM campaign) c ON c.r = 1 + n % ${CAMPAIGNS}`);
  await client.query('ANALYZE');
  const issued = issueApiKeySecret();
  await client.query(`INSERT INTO api_key (id, name, prefix, hash, role) VALUES (gen_random_uuid(), 'bench', $1, $2, 'admin')`, [
    issued.prefix,
    issued.hash,
  ]);
  console.log(
    `seeded ${format(ADS)} ads in ${format(CAMPAIGNS)} campaigns of ${format(ADVERTISERS)} advertisers in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return issued.secret;
}

async function pageThroughRest(
  baseUrl: string,
  apiKey: string,
  query: string,
): Promise<{ rows: number; seconds: number; pages: number[] }> {
  const pages: number[] = [];
  let rows = 0;
  let cursor: string | null = null;
  const started = performance.now();
  do {
    const pageStarted = performance.now();
    const url = `${baseUrl}/api/v1/ads?limit=${PAGE}${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${apiKey}` } });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    rows += page.items.length;
    cursor = page.nextCursor;
    pages.push(performance.now() - pageStarted);
  } while (cursor !== null);
  return { rows, seconds: (performance.now() - started) / 1000, pages };
}

async function main(): Promise<void> {
  console.log(`REST list benchmark: ${format(ADS)} ads, pages of ${PAGE}; shared 2-core machine, figures are noisy.`);
  const database = await createTestDatabase();
  await database.prisma.$disconnect();
  const client = new pg.Client(poolConfigOf(database.url));
  await client.connect();
  const prefix = `bench:${randomUUID()}:`;
  let server: ReturnType<typeof spawn> | undefined;
  try {
    const apiKey = await seed(client);
    const port = await freePort();
    server = spawn(process.execPath, ['--conditions=@ads/source', '--import', 'tsx', 'bench/rest-bench-server.ts'], {
      cwd: packageRoot,
      env: { ...process.env, PORT: String(port), DATABASE_URL: database.url, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
    if (!chunk.toString().startsWith('listening')) throw new Error(`bench server did not start: ${chunk.toString()}`);
    const baseUrl = `http://127.0.0.1:${port}`;

    // Baseline 1: every row in one SELECT, with the join the API needs for advertiserId.
    const selectStarted = performance.now();
    const all = await client.query(
      'SELECT ad.*, campaign.advertiser_id FROM ad JOIN campaign ON campaign.id = ad.campaign_id ORDER BY ad.created_at DESC, ad.id DESC',
    );
    const selectSeconds = (performance.now() - selectStarted) / 1000;

    // Baseline 2: the same keyset pages the API reads, in raw SQL over one connection.
    const keysetStarted = performance.now();
    let keysetRows = 0;
    let last: { created_at: Date; id: string } | undefined;
    for (;;) {
      const page = await client.query<{ created_at: Date; id: string }>(
        `SELECT ad.*, campaign.advertiser_id FROM ad JOIN campaign ON campaign.id = ad.campaign_id
          ${last === undefined ? '' : 'WHERE (ad.created_at, ad.id) < ($2, $3)'}
          ORDER BY ad.created_at DESC, ad.id DESC LIMIT $1`,
        last === undefined ? [PAGE + 1] : [PAGE + 1, last.created_at, last.id],
      );
      const rows = page.rows.slice(0, PAGE);
      keysetRows += rows.length;
      if (page.rows.length <= PAGE) break;
      last = rows[rows.length - 1];
    }
    const keysetSeconds = (performance.now() - keysetStarted) / 1000;

    // Warm-up, then the measured runs.
    await pageThroughRest(baseUrl, apiKey, '').catch((error: unknown) => {
      throw error;
    });
    const rest = await pageThroughRest(baseUrl, apiKey, '');
    const filtered = await pageThroughRest(baseUrl, apiKey, '&status=active&reviewState=approved');
    if (rest.rows !== ADS || filtered.rows !== ADS || all.rowCount !== ADS || keysetRows !== ADS) {
      throw new Error(`row counts differ: rest ${rest.rows}, filtered ${filtered.rows}, select ${all.rowCount}, keyset ${keysetRows}`);
    }

    const selectRate = ADS / selectSeconds;
    const keysetRate = ADS / keysetSeconds;
    const report = (label: string, run: { rows: number; seconds: number; pages: number[] }) => {
      const sorted = [...run.pages].sort((a, b) => a - b);
      const rate = run.rows / run.seconds;
      console.log(
        `${label.padEnd(44)} ${format(rate).padStart(9)} rows/s  (${run.pages.length} pages in ${run.seconds.toFixed(2)} s; page p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms)  ` +
          `= ${((rate / selectRate) * 100).toFixed(1)}% of one SELECT, ${((rate / keysetRate) * 100).toFixed(1)}% of raw keyset SQL`,
      );
    };
    console.log(
      `${'baseline: one raw SELECT (pg, same join)'.padEnd(44)} ${format(selectRate).padStart(9)} rows/s  (${selectSeconds.toFixed(2)} s)`,
    );
    console.log(
      `${'baseline: raw keyset SQL pages of 200'.padEnd(44)} ${format(keysetRate).padStart(9)} rows/s  (${keysetSeconds.toFixed(2)} s)`,
    );
    report('REST GET /api/v1/ads (default sort)', rest);
    report('REST GET /api/v1/ads?status&reviewState', filtered);
  } finally {
    server?.kill('SIGTERM');
    if (server !== undefined && server.exitCode === null) await once(server, 'exit');
    await client.end();
    await database.drop();
    const redis = new Redis(config.redisUrl);
    await deleteRedisPrefix(redis, prefix);
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
