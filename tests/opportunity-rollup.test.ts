// The opportunity roll-up: serving's per-hour request counts and per-day samples (written here
// with the shared key layout and contract types, as serving writes them) move into
// ads-data-api's opportunity_hour and opportunity_day once a period closed and settled. Real
// Redis, PostgreSQL, ads-data-api and an ads-data-import worker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  OPPORTUNITY_RETENTION_DAYS,
  OPPORTUNITY_SETTLE_MS,
  type OpportunitySample,
  type RedisKeys,
  type RedisClient,
  dayBucket,
  hourBucket,
  samplePriority,
  visitorHash,
} from '@ads/ads-client';
import pg from 'pg';
import { useRollupHarness } from './support/import-stack';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let db: pg.Client | undefined;
let placementKeys: string[] = [];
const rollup = useRollupHarness('opportunity-rollup', {
  started: async (harness) => {
    db = new pg.Client({ connectionString: harness.stack.databaseUrl });
    await db.connect();
    placementKeys = (await database().query<{ key: string }>('SELECT key FROM placement ORDER BY key')).rows.map((row) => row.key);
    assert.ok(placementKeys.length >= 2, 'the seed has placements');
    await harness.startWorker({ ROLLUP_CRON: '', OPPORTUNITY_ROLLUP_CRON: '' }, 'opportunity-worker');
  },
  stopping: async () => {
    await db?.end();
  },
});

/** The stack's database (connected once the harness started). */
function database(): pg.Client {
  assert.ok(db !== undefined, 'the harness started');
  return db;
}

interface Summary {
  settled: number;
  open: number;
  hours: number;
  days: number;
  stored: number;
  sampleEntries: number;
  unknownPlacementKeys: string[];
  refused: number;
  dropped: number;
  flushedMeanwhile: number;
}

async function runOpportunityRollup(): Promise<Summary> {
  const job = await rollup.queue.add('opportunity-rollup', {}, { attempts: 1 });
  return (await job.waitUntilFinished(rollup.queueEvents, 60_000)) as Summary;
}

/** One serving flush: counts added to an hour, requests added to the day's sample, both marked pending at `flushedAt`. */
async function flush(
  redis: RedisClient,
  keys: RedisKeys,
  at: number,
  counts: Record<string, number>,
  sample: readonly OpportunitySample[],
  flushedAt: number,
): Promise<void> {
  const pipeline = redis.multi();
  const hour = hourBucket(at);
  const day = dayBucket(at);
  for (const [placementKey, requests] of Object.entries(counts)) pipeline.hincrby(keys.opportunityCounts(hour), placementKey, requests);
  pipeline.zadd(keys.opportunityPending, flushedAt, `h:${hour}`);
  for (const entry of sample) pipeline.zadd(keys.opportunitySample(day), samplePriority(entry.visitor), JSON.stringify(entry));
  if (sample.length > 0) pipeline.zadd(keys.opportunityPending, flushedAt, `d:${day}`);
  await pipeline.exec();
}

/** `count` sampled requests on `placementKey` in hour `hour` of the day, from distinct visitors. */
function sampleOf(placementKey: string, hour: number, count: number, label: string): OpportunitySample[] {
  return Array.from({ length: count }, (_, index) => ({
    placementKey,
    hour,
    visitor: visitorHash(`${label}:${index}`),
    nonce: index,
    country: 'FR',
    device: 'desktop',
    keywords: ['sports'],
  }));
}

async function hourRows(from: number, to: number): Promise<Array<{ key: string; hour: string; requests: string }>> {
  const { rows } = await database().query<{ key: string; hour: Date; requests: string }>(
    `SELECT p.key, o.hour, o.requests::text AS requests FROM opportunity_hour o JOIN placement p ON p.id = o.placement_id
      WHERE o.hour >= $1 AND o.hour < $2 ORDER BY o.hour, p.key`,
    [new Date(from), new Date(to)],
  );
  return rows.map((row) => ({ key: row.key, hour: row.hour.toISOString(), requests: row.requests }));
}

async function dayRow(day: string): Promise<{ threshold: number; sample: OpportunitySample[] } | undefined> {
  const { rows } = await database().query<{ sample_threshold: number; sample: OpportunitySample[] }>(
    `SELECT sample_threshold, sample FROM opportunity_day WHERE day = $1::date`,
    [day],
  );
  return rows[0] === undefined ? undefined : { threshold: rows[0].sample_threshold, sample: rows[0].sample };
}

async function pendingMembers(redis: RedisClient, keys: RedisKeys): Promise<string[]> {
  return (await redis.zrange(keys.opportunityPending, 0, -1)).sort();
}

// Two days ago (UTC): closed long since, well inside the retention.
const now = Date.now();
const dayStart = Math.floor(now / DAY) * DAY - 2 * DAY;
const dayIso = new Date(dayStart).toISOString().slice(0, 10);
const settled = now - OPPORTUNITY_SETTLE_MS - 60_000;

test(
  'closed, settled periods roll up; an open hour and a fresh flush wait; unknown keys are reported, not stored',
  { timeout: 120_000 },
  async () => {
    const { redis, keys } = rollup.stack;
    const [first, second] = placementKeys as [string, string];
    const hour3 = dayStart + 3 * HOUR;
    const hour4 = dayStart + 4 * HOUR;
    const currentHour = Math.floor(now / HOUR) * HOUR;
    // Hour 3: two placements and a key no placement has; the day's sample holds every request.
    await flush(
      redis,
      keys,
      hour3,
      { [first]: 120, [second]: 30, 'no-such-placement': 7 },
      [...sampleOf(first, 3, 120, 'a'), ...sampleOf(second, 3, 30, 'b'), ...sampleOf('no-such-placement', 3, 7, 'c')],
      settled,
    );
    // Hour 4: flushed just now, so not settled yet (it samples nothing, so the day stays settled).
    await flush(redis, keys, hour4, { [first]: 5 }, [], now);
    // The current hour: flushed long enough ago, but not closed.
    await flush(redis, keys, currentHour, { [first]: 9 }, [], settled);

    const summary = await runOpportunityRollup();
    assert.equal(summary.hours, 1, JSON.stringify(summary));
    assert.equal(summary.days, 1, JSON.stringify(summary));
    assert.equal(summary.open, 1, JSON.stringify(summary));
    assert.deepEqual(summary.unknownPlacementKeys, ['no-such-placement']);
    assert.deepEqual(await hourRows(dayStart, currentHour + HOUR), [
      { key: first, hour: new Date(hour3).toISOString(), requests: '120' },
      { key: second, hour: new Date(hour3).toISOString(), requests: '30' },
    ]);
    // The sample holds the 157 requests of hour 3; the 5 of hour 4 are counted, not sampled:
    // 157 < 162, so the threshold is the sample's highest priority.
    const day = await dayRow(dayIso);
    assert.ok(day !== undefined, 'the day is stored');
    assert.equal(day.sample.length, 157);
    const highest = Math.max(...day.sample.map((entry) => samplePriority(entry.visitor)));
    assert.equal(day.threshold, highest);
    assert.deepEqual(await pendingMembers(redis, keys), [`h:${hourBucket(hour4)}`, `h:${hourBucket(currentHour)}`].sort());
  },
);

test(
  'a complete sample has threshold 1; a late flush rolls again and replaces; a second run changes nothing',
  { timeout: 120_000 },
  async () => {
    const { redis, keys } = rollup.stack;
    const [first, second] = placementKeys as [string, string];
    const hour3 = dayStart + 3 * HOUR;
    const hour4 = dayStart + 4 * HOUR;
    // Hour 4 settles (as if its flush was minutes ago), and the last 5 requests of the day are sampled too.
    await flush(redis, keys, hour4, {}, sampleOf(first, 4, 5, 'd'), settled);
    // A late flush into hour 3 after its roll-up.
    await flush(redis, keys, hour3, { [second]: 4 }, [], settled);

    const summary = await runOpportunityRollup();
    assert.equal(summary.hours, 2, JSON.stringify(summary));
    assert.equal(summary.days, 1, JSON.stringify(summary));
    const rows = await hourRows(dayStart, dayStart + DAY);
    assert.deepEqual(rows, [
      { key: first, hour: new Date(hour3).toISOString(), requests: '120' },
      { key: second, hour: new Date(hour3).toISOString(), requests: '34' },
      { key: first, hour: new Date(hour4).toISOString(), requests: '5' },
    ]);
    // 166 requests counted, 162 sampled (the 4 late ones were counted but not sampled).
    const day = await dayRow(dayIso);
    assert.equal(day?.sample.length, 162);
    assert.ok(day !== undefined && day.threshold < 1, `threshold ${day?.threshold}`);

    // Sample the 4 late requests too: now every request is in, threshold 1.
    await flush(redis, keys, hour3, {}, sampleOf(second, 3, 4, 'e'), settled);
    await runOpportunityRollup();
    const complete = await dayRow(dayIso);
    assert.equal(complete?.sample.length, 166);
    assert.equal(complete?.threshold, 1);

    // Nothing pending but the open hour: a run again leaves every row as it was.
    const before = { rows: await hourRows(dayStart, dayStart + DAY), day: await dayRow(dayIso) };
    const again = await runOpportunityRollup();
    assert.equal(again.hours + again.days, 0, JSON.stringify(again));
    assert.deepEqual({ rows: await hourRows(dayStart, dayStart + DAY), day: await dayRow(dayIso) }, before);
    // Rolling the same data again (a pending member put back) stores the same rows: the ingest replaces.
    await redis.zadd(keys.opportunityPending, settled, `h:${hourBucket(hour3)}`, settled, `d:${dayBucket(hour3)}`);
    const replayed = await runOpportunityRollup();
    assert.equal(replayed.hours + replayed.days, 2, JSON.stringify(replayed));
    assert.deepEqual({ rows: await hourRows(dayStart, dayStart + DAY), day: await dayRow(dayIso) }, before);
  },
);

test(
  'a pending member whose data expired or that names no period is dropped; data keys are left to expire',
  { timeout: 120_000 },
  async () => {
    const { redis, keys } = rollup.stack;
    const hour = dayStart + 7 * HOUR;
    await redis.zadd(keys.opportunityPending, settled, `h:${hourBucket(hour)}`, settled, 'h:not-an-hour');
    const summary = await runOpportunityRollup();
    assert.equal(summary.dropped, 2, JSON.stringify(summary));
    assert.deepEqual(await hourRows(hour, hour + HOUR), []);
    assert.ok(!(await pendingMembers(redis, keys)).includes('h:not-an-hour'));
    // The roll-up never deletes serving's keys: the earlier hours' counts are still there.
    assert.equal(await redis.exists(keys.opportunityCounts(hourBucket(dayStart + 3 * HOUR))), 1);
  },
);

// ─── the ingest RPC itself ───────────────────────────────────────────────────────────────────

async function call(method: string, params: unknown, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(rollup.stack.dataApiRpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function refusedField(answer: { status: number; body: Record<string, unknown> }, path: string): void {
  const error = answer.body.error as { code: number; message: string; data?: { issues?: Array<{ path: Array<string | number> }> } };
  assert.ok(answer.status >= 400 && answer.status < 500, `4xx, not ${answer.status}: ${JSON.stringify(answer.body)}`);
  assert.equal(error.code, -32602, JSON.stringify(error));
  const paths = (error.data?.issues ?? []).map((issue) => issue.path.join('.'));
  assert.ok(paths.includes(path), `the issues name ${path}: ${JSON.stringify(error)}`);
}

test('the ingest refuses bad input naming the field, and only admin and service keys may call it', { timeout: 60_000 }, async () => {
  const { serviceKey, importerKey } = rollup.stack;
  const [first] = placementKeys as [string];
  const hour = new Date(dayStart + 10 * HOUR).toISOString();
  const entry = sampleOf(first, 10, 1, 'f')[0]!;
  refusedField(
    await call(
      'opportunities.ingestHour',
      { hour: new Date(dayStart + 10 * HOUR + 60_000).toISOString(), placements: [{ placementKey: first, requests: 1 }] },
      serviceKey,
    ),
    'hour',
  );
  refusedField(
    await call('opportunities.ingestHour', { hour, placements: [{ placementKey: first, requests: -1 }] }, serviceKey),
    'placements.0.requests',
  );
  refusedField(
    await call(
      'opportunities.ingestHour',
      {
        hour,
        placements: [
          { placementKey: first, requests: 1 },
          { placementKey: first, requests: 2 },
        ],
      },
      serviceKey,
    ),
    'placements.1.placementKey',
  );
  const old = new Date(Math.floor(now / HOUR) * HOUR - (OPPORTUNITY_RETENTION_DAYS + 1) * DAY).toISOString();
  refusedField(
    await call('opportunities.ingestHour', { hour: old, placements: [{ placementKey: first, requests: 1 }] }, serviceKey),
    'hour',
  );
  refusedField(await call('opportunities.ingestDay', { day: dayIso, sampleThreshold: 0, sample: [entry] }, serviceKey), 'sampleThreshold');
  refusedField(
    await call('opportunities.ingestDay', { day: dayIso, sampleThreshold: 1, sample: [{ ...entry, hour: 24 }] }, serviceKey),
    'sample.0.hour',
  );
  refusedField(
    await call('opportunities.ingestDay', { day: dayIso, sampleThreshold: 1, sample: [{ ...entry, extra: 1 }] }, serviceKey),
    'sample.0.extra',
  );
  refusedField(await call('opportunities.ingestDay', { day: '2026-02-30', sampleThreshold: 1, sample: [] }, serviceKey), 'day');
  assert.deepEqual(await hourRows(dayStart + 10 * HOUR, dayStart + 11 * HOUR), [], 'nothing refused was stored');

  for (const method of ['opportunities.ingestHour', 'opportunities.ingestDay']) {
    const params = method.endsWith('Hour')
      ? { hour, placements: [{ placementKey: first, requests: 1 }] }
      : { day: dayIso, sampleThreshold: 1, sample: [] };
    const answer = await call(method, params, importerKey);
    assert.equal(answer.status, 403, JSON.stringify(answer.body));
  }
  assert.deepEqual(await hourRows(dayStart + 10 * HOUR, dayStart + 11 * HOUR), []);
});

test('an ingest deletes the hours and days older than the retention', { timeout: 60_000 }, async () => {
  const { serviceKey } = rollup.stack;
  const [first] = placementKeys as [string];
  const oldHour = new Date(Math.floor(now / HOUR) * HOUR - (OPPORTUNITY_RETENTION_DAYS + 2) * DAY);
  const keptHour = new Date(Math.floor(now / HOUR) * HOUR - (OPPORTUNITY_RETENTION_DAYS - 1) * DAY);
  const oldDay = oldHour.toISOString().slice(0, 10);
  await database().query(
    `INSERT INTO opportunity_hour (placement_id, hour, requests, updated_at)
     SELECT id, unnest($2::timestamptz[]), 11, now() FROM placement WHERE key = $1`,
    [first, [oldHour, keptHour]],
  );
  await database().query(`INSERT INTO opportunity_day (day, sample_threshold, sample, updated_at) VALUES ($1::date, 1, '[]', now())`, [
    oldDay,
  ]);

  const answer = await call(
    'opportunities.ingestHour',
    { hour: new Date(dayStart + 12 * HOUR).toISOString(), placements: [{ placementKey: first, requests: 3 }] },
    serviceKey,
  );
  assert.deepEqual((answer.body as { result?: unknown }).result, { stored: 1, unknownPlacementKeys: [] }, JSON.stringify(answer.body));
  assert.deepEqual(
    (await hourRows(oldHour.getTime() - HOUR, keptHour.getTime() + HOUR)).map((row) => row.hour),
    [keptHour.toISOString()],
  );
  assert.equal(await dayRow(oldDay), undefined);
});

test('GET /api/v1/placements/:id/opportunities answers the hours and day totals, to admin keys only', { timeout: 60_000 }, async () => {
  const { adminKey, serviceKey, dataApiRpcUrl } = rollup.stack;
  const [first] = placementKeys as [string];
  const { rows } = await database().query<{ id: string }>('SELECT id::text AS id FROM placement WHERE key = $1', [first]);
  const base = `${dataApiRpcUrl.replace(/\/rpc$/, '')}/api/v1/placements`;
  const get = (path: string, token: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const range = `from=${new Date(dayStart).toISOString()}&to=${new Date(dayStart + DAY).toISOString()}`;

  const answer = await get(`/${rows[0]!.id}/opportunities?${range}`, adminKey);
  assert.equal(answer.status, 200);
  // Hours 3 and 4 rolled up above, hour 12 ingested by the retention test.
  const hour = (at: number) => new Date(dayStart + at * HOUR).toISOString();
  assert.deepEqual(await answer.json(), {
    placementId: rows[0]!.id,
    placementKey: first,
    from: new Date(dayStart).toISOString(),
    to: new Date(dayStart + DAY).toISOString(),
    hours: [
      { hour: hour(3), requests: 120 },
      { hour: hour(4), requests: 5 },
      { hour: hour(12), requests: 3 },
    ],
    days: [{ day: dayIso, requests: 128 }],
    totalRequests: 128,
  });

  assert.equal((await get(`/${rows[0]!.id}/opportunities?${range}`, serviceKey)).status, 403);
  assert.equal((await get(`/0190f0f0-0000-7000-8000-000000000000/opportunities?${range}`, adminKey)).status, 404);
  const refused = async (query: string, field: string) => {
    const response = await get(`/${rows[0]!.id}/opportunities?${query}`, adminKey);
    const text = await response.text();
    assert.equal(response.status, 422, text);
    assert.match(text, new RegExp(`"${field}"`), text);
  };
  await refused('from=yesterday', 'from');
  await refused(`from=${new Date(dayStart).toISOString()}&to=${new Date(dayStart).toISOString()}`, 'to');
  await refused(`from=${new Date(dayStart - 40 * DAY).toISOString()}&to=${new Date(dayStart).toISOString()}`, 'from');
});
