import { OPPORTUNITY_RETENTION_DAYS, type OpportunityDayIngest, type OpportunityHourIngest } from '@ads/ads-client';
import { DataApiError } from '../errors';
import { Prisma, type PrismaClient } from '../generated/prisma/client';

const DAY_MS = 86_400_000;

/** What both ingests answer (`opportunityIngestResult` of the contract). */
export interface OpportunityIngestResult {
  stored: number;
  unknownPlacementKeys: string[];
}

/** The instant before which opportunity history is deleted (and refused): `OPPORTUNITY_RETENTION_DAYS` ago. */
export function opportunityRetentionCutoff(now: number): Date {
  return new Date(now - OPPORTUNITY_RETENTION_DAYS * DAY_MS);
}

/**
 * Stores one closed UTC hour of request counts: each known placement's row of the hour is
 * inserted or replaced; keys no placement has are listed in the answer and not stored. In one
 * transaction: the keys are resolved in one query, the rows written in one
 * `INSERT … ON CONFLICT DO UPDATE`, and the hours and days older than the retention deleted.
 * A key listed twice and an hour older than the retention are refused, naming the field.
 */
export async function ingestOpportunityHour(
  prisma: PrismaClient,
  input: OpportunityHourIngest,
  now = Date.now(),
): Promise<OpportunityIngestResult> {
  const hour = new Date(input.hour);
  const cutoff = opportunityRetentionCutoff(now);
  if (hour.getTime() < cutoff.getTime()) throw tooOld('hour', `is older than the ${OPPORTUNITY_RETENTION_DAYS} days kept`);
  const seen = new Map<string, number>();
  for (const [index, entry] of input.placements.entries()) {
    const first = seen.get(entry.placementKey);
    if (first !== undefined) {
      throw invalid([
        { path: ['placements', index, 'placementKey'], message: `repeats placements.${first}.placementKey (${entry.placementKey})` },
      ]);
    }
    seen.set(entry.placementKey, index);
  }
  const placementKeys = input.placements.map((entry) => entry.placementKey);

  return prisma.$transaction(
    async (tx) => {
      const placements = await tx.$queryRaw<Array<{ id: string; key: string }>>`
        SELECT id::text AS id, key FROM placement WHERE key = ANY(${placementKeys}::text[])`;
      const idOfKey = new Map(placements.map((row) => [row.key, row.id]));
      const known = input.placements.filter((entry) => idOfKey.has(entry.placementKey));
      let stored = 0;
      if (known.length > 0) {
        const ids = known.map((entry) => idOfKey.get(entry.placementKey)!);
        // As text: counts up to 2^53 are exact in a string, and PostgreSQL reads them as bigint.
        const requests = known.map((entry) => String(entry.requests));
        stored = await tx.$executeRaw`
          INSERT INTO opportunity_hour AS o (placement_id, hour, requests, updated_at)
          SELECT r.placement_id, ${hour}::timestamptz, r.requests, now()
            FROM unnest(${ids}::uuid[], ${requests}::bigint[]) AS r(placement_id, requests)
           ORDER BY r.placement_id
          ON CONFLICT (placement_id, hour) DO UPDATE SET requests = excluded.requests, updated_at = excluded.updated_at`;
      }
      await deleteExpired(tx, cutoff);
      return { stored, unknownPlacementKeys: placementKeys.filter((key) => !idOfKey.has(key)) };
    },
    { timeout: 60_000, maxWait: 10_000, isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted },
  );
}

/**
 * Stores one closed UTC day's sample, replacing the day's row. Placement keys of the sample
 * that no placement has are listed in the answer (the sample is stored whole: a forecast
 * matches placements by key). Days older than the retention are deleted in the same
 * transaction; a day older than it is refused.
 */
export async function ingestOpportunityDay(
  prisma: PrismaClient,
  input: OpportunityDayIngest,
  now = Date.now(),
): Promise<OpportunityIngestResult> {
  const day = new Date(`${input.day}T00:00:00Z`);
  const cutoff = opportunityRetentionCutoff(now);
  if (day.getTime() + DAY_MS <= cutoff.getTime()) throw tooOld('day', `is older than the ${OPPORTUNITY_RETENTION_DAYS} days kept`);
  const sampleKeys = [...new Set(input.sample.map((entry) => entry.placementKey))];
  const sample = JSON.stringify(input.sample);

  return prisma.$transaction(
    async (tx) => {
      const placements = await tx.$queryRaw<Array<{ key: string }>>`
        SELECT key FROM placement WHERE key = ANY(${sampleKeys}::text[])`;
      const knownKeys = new Set(placements.map((row) => row.key));
      const stored = await tx.$executeRaw`
        INSERT INTO opportunity_day AS o (day, sample_threshold, sample, updated_at)
        VALUES (${input.day}::date, ${input.sampleThreshold}, ${sample}::jsonb, now())
        ON CONFLICT (day) DO UPDATE SET
          sample_threshold = excluded.sample_threshold, sample = excluded.sample, updated_at = excluded.updated_at`;
      await deleteExpired(tx, cutoff);
      return { stored, unknownPlacementKeys: sampleKeys.filter((key) => !knownKeys.has(key)) };
    },
    { timeout: 60_000, maxWait: 10_000, isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted },
  );
}

/** Deletes the hours before `cutoff` and the days that ended before it. */
async function deleteExpired(tx: Prisma.TransactionClient, cutoff: Date): Promise<void> {
  await tx.$executeRaw`DELETE FROM opportunity_hour WHERE hour < ${cutoff}::timestamptz`;
  await tx.$executeRaw`DELETE FROM opportunity_day WHERE day + 1 <= (${cutoff}::timestamptz AT TIME ZONE 'UTC')::date`;
}

function invalid(fields: DataApiError['fields']): DataApiError {
  const described = fields.map((field) => `${field.path.join('.')}: ${field.message}`).join('; ');
  return new DataApiError('OPPORTUNITY_INGEST_INVALID', `invalid opportunities: ${described}`, { fields });
}

function tooOld(field: string, message: string): DataApiError {
  return invalid([{ path: [field], message }]);
}

/** One placement's recorded requests over a range: the hours with a row, and their UTC day totals. */
export interface PlacementOpportunities {
  hours: { hour: Date; requests: number }[];
  days: { day: string; requests: number }[];
}

/**
 * The `opportunity_hour` rows of a placement over [from, to), oldest first, and their sums per
 * UTC day. Hours without a row (nothing recorded, or not rolled up yet) are left out.
 */
export async function readPlacementOpportunities(
  db: Prisma.TransactionClient,
  placementId: string,
  from: Date,
  to: Date,
): Promise<PlacementOpportunities> {
  const rows = await db.$queryRaw<Array<{ hour: Date; requests: bigint }>>`
    SELECT hour, requests FROM opportunity_hour
     WHERE placement_id = ${placementId}::uuid AND hour >= ${from}::timestamptz AND hour < ${to}::timestamptz
     ORDER BY hour`;
  const hours = rows.map((row) => ({ hour: row.hour, requests: Number(row.requests) }));
  const days: PlacementOpportunities['days'] = [];
  for (const { hour, requests } of hours) {
    const day = hour.toISOString().slice(0, 10);
    const last = days.at(-1);
    if (last?.day === day) last.requests += requests;
    else days.push({ day, requests });
  }
  return { hours, days };
}
