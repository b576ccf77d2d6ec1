// `npm run bench:ingest -w @ads/ads-data-api`: sends 20 batches of 5,000 hourly rows through
// `stats.ingest` over HTTP (ads-data-api in its own process, the typed client here), then the
// same batches again (replays, which must change nothing), and compares with a plain multi-row
// INSERT of the same rows into a scratch table in the same run. The database is dedicated and
// dropped at the end.
import { createRpcClient, dataApiContract, type StatsRow } from '@ads/ads-client';

import { createPrismaClient } from '../src/store/prisma-client';
import { issueApiKey } from '../src/store/issue-api-key';
import { benchLogger, createBenchDatabase, formatRate, startBenchServer, timeRuns } from './support/bench-stack';

const ADS = 10_000;
const BATCHES = 20;
const ROWS_PER_BATCH = 5_000;
const TOTAL_ROWS = BATCHES * ROWS_PER_BATCH;
const FIRST_HOUR = Date.parse('2026-03-01T00:00:00Z');

async function timeOnce(work: () => Promise<unknown>): Promise<number> {
  return (await timeRuns(1, work))[0]!;
}

const database = await createBenchDatabase('ingest');
try {
  const { sql } = database;
  await sql.query(`INSERT INTO advertiser (id, name, updated_at) VALUES (gen_random_uuid(), 'Bench advertiser', now())`);
  await sql.query(`
    INSERT INTO campaign (id, advertiser_id, name, status, flight_start, flight_end, total_budget, bid_amount, updated_at)
    SELECT gen_random_uuid(), a.id, 'Bench campaign ' || n, 'active', now() - interval '1 day', now() + interval '30 days', 1000000, 250, now()
      FROM advertiser a, generate_series(1, 100) AS n`);
  await sql.query(`
    INSERT INTO ad (id, campaign_id, format, title, click_url, status, review_state, updated_at)
    SELECT gen_random_uuid(), c.id, 'native', 'Bench ad ' || n, 'https://shop.example/' || n, 'active', 'approved', now()
      FROM campaign c, generate_series(1, ${ADS / 100}) AS n`);
  await sql.query('ANALYZE');
  const adIds = (await sql.query<{ id: string }>('SELECT id FROM ad ORDER BY id')).rows.map((row) => row.id);

  // Each batch: 5,000 distinct (ad, hour) rows; a batch covers half of the ads over one hour,
  // so consecutive batches both insert new counters and add to existing ones.
  const batches: Array<{ batchId: string; rows: StatsRow[] }> = [];
  for (let batch = 0; batch < BATCHES; batch += 1) {
    const hour = new Date(FIRST_HOUR + Math.floor(batch / 4) * 3_600_000).toISOString();
    const rows: StatsRow[] = [];
    for (let index = 0; index < ROWS_PER_BATCH; index += 1) {
      const adId = adIds[(batch * ROWS_PER_BATCH + index) % ADS]!;
      rows.push({ adId, hour, impressions: 40 + (index % 60), viewableImpressions: 25, clicks: index % 3, spendMicros: 100_000 + index });
    }
    batches.push({ batchId: `bench-${batch}`, rows });
  }

  const prisma = createPrismaClient(database.url, benchLogger);
  const key = await issueApiKey(prisma, { role: 'service', name: 'bench' });
  await prisma.$disconnect();

  // Baseline: the same rows, one plain multi-row INSERT per batch into a table with no key,
  // index or constraint, through pg.
  await sql.query(
    `CREATE TABLE scratch_hourly (ad_id uuid, hour timestamptz, impressions int, viewable_impressions int, clicks int, spend_micros bigint)`,
  );
  const insertBatch = (rows: readonly StatsRow[]) => {
    const values: unknown[] = [];
    const tuples = rows.map((row, index) => {
      values.push(row.adId, row.hour, row.impressions, row.viewableImpressions, row.clicks, row.spendMicros);
      const base = index * 6;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`;
    });
    return sql.query(`INSERT INTO scratch_hourly VALUES ${tuples.join(', ')}`, values);
  };
  const baselineMs = await timeOnce(async () => {
    for (const batch of batches) await insertBatch(batch.rows);
  });

  const server = await startBenchServer(database.url);
  let applied = 0;
  let replayed = 0;
  let ingestMs = 0;
  let replayMs = 0;
  let concurrentMs = 0;
  try {
    const client = createRpcClient(dataApiContract, { urls: [server.rpcUrl], token: key.secret, timeoutMs: 120_000 });
    // Warm-up on a batch of its own (other hours), so that JIT and connections are ready.
    await client.stats.ingest({ batchId: 'warm-up', rows: batches[0]!.rows.map((row) => ({ ...row, hour: '2026-02-01T00:00:00Z' })) });
    ingestMs = await timeOnce(async () => {
      for (const batch of batches) applied += (await client.stats.ingest(batch)).applied ? 1 : 0;
    });
    replayMs = await timeOnce(async () => {
      for (const batch of batches) replayed += (await client.stats.ingest(batch)).applied ? 0 : 1;
    });
    // The same 100,000 rows as new batch ids, four at a time (as several roll-up workers would).
    concurrentMs = await timeOnce(async () => {
      for (let start = 0; start < BATCHES; start += 4) {
        await Promise.all(
          batches.slice(start, start + 4).map((batch) => client.stats.ingest({ ...batch, batchId: `${batch.batchId}-parallel` })),
        );
      }
    });
    await client.$close();
  } finally {
    await server.stop();
  }

  const totals = await sql.query<{ impressions: string; batches: string }>(
    `SELECT (SELECT sum(impressions) FROM hourly_stat WHERE hour >= '2026-03-01') AS impressions, (SELECT count(*) FROM stats_batch) AS batches`,
  );
  const expectedImpressions = 2 * batches.reduce((sum, batch) => sum + batch.rows.reduce((rowSum, row) => rowSum + row.impressions, 0), 0);
  if (applied !== BATCHES || replayed !== BATCHES || Number(totals.rows[0]!.impressions) !== expectedImpressions) {
    throw new Error(
      `exactly-once broken: applied ${applied}, replayed ${replayed}, impressions ${totals.rows[0]!.impressions} ≠ ${expectedImpressions}`,
    );
  }

  const baselineRate = TOTAL_ROWS / (baselineMs / 1000);
  const line = (label: string, ms: number) => {
    const rate = TOTAL_ROWS / (ms / 1000);
    console.log(
      `  ${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms  ${formatRate(rate).padStart(16)}  ${(rate / baselineRate).toFixed(2)} × baseline`,
    );
  };
  console.log(`\n${BATCHES} batches × ${ROWS_PER_BATCH.toLocaleString('en-US')} rows over ${ADS.toLocaleString('en-US')} ads:`);
  line('baseline: plain multi-row INSERT into a scratch table (pg)', baselineMs);
  line('stats.ingest over HTTP, one batch at a time', ingestMs);
  line('stats.ingest replays (already applied: no-ops)', replayMs);
  line('stats.ingest over HTTP, new batch ids, 4 at a time', concurrentMs);
  console.log(`  exactly once: ${applied} applied, ${replayed} replays ignored, impressions match`);
} finally {
  await database.drop();
  console.log(`\ndropped ${database.name}`);
}
