import { OPPORTUNITY_SETTLE_MS } from '@ads/ads-client';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Most placements one `opportunities.ingestHour` call takes (the contract's bound). */
export const OPPORTUNITY_HOUR_CHUNK = 10_000;

/** A member of `opportunityPending`, read: an hour of counts or a day of sample. */
export type OpportunityPeriod =
  | { kind: 'hour'; member: string; bucket: string; start: number; end: number; hour: string }
  | { kind: 'day'; member: string; bucket: string; start: number; end: number; day: string; hourBuckets: string[] };

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** The `YYYYMMDDHH` bucket of an epoch-ms instant (as `hourBucket` of @ads/ads-client). */
function hourBucketOf(epochMs: number): string {
  const date = new Date(epochMs);
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}`;
}

/**
 * Reads a pending member (`h:YYYYMMDDHH` or `d:YYYYMMDD`, UTC); undefined when it is neither
 * or names no real hour or day.
 */
export function parseOpportunityPeriod(member: string): OpportunityPeriod | undefined {
  const match = /^([hd]):(\d{4})(\d{2})(\d{2})(\d{2})?$/.exec(member);
  if (match === null) return undefined;
  const [, kind, year, month, day, hour] = match;
  if ((kind === 'h') !== (hour !== undefined)) return undefined;
  const start = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0));
  const date = new Date(start);
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() + 1 !== Number(month) ||
    date.getUTCDate() !== Number(day) ||
    date.getUTCHours() !== Number(hour ?? 0)
  ) {
    return undefined;
  }
  const bucket = member.slice(2);
  if (kind === 'h') return { kind: 'hour', member, bucket, start, end: start + HOUR_MS, hour: date.toISOString() };
  return {
    kind: 'day',
    member,
    bucket,
    start,
    end: start + DAY_MS,
    day: `${year}-${month}-${day}`,
    hourBuckets: Array.from({ length: 24 }, (_, index) => hourBucketOf(start + index * HOUR_MS)),
  };
}

/** A period is rolled up once it closed at least `OPPORTUNITY_SETTLE_MS` ago (its last flush is checked by the caller). */
export function isOpportunityPeriodSettled(period: OpportunityPeriod, now: number): boolean {
  return period.end + OPPORTUNITY_SETTLE_MS <= now;
}

/**
 * The priority threshold of a day's sample (`sampleThreshold` of `opportunities.ingestDay`).
 * The sample is complete when it holds as many entries as the day's hourly counts add up to:
 * then every request is in and the threshold is 1. Otherwise the sample is the bottom k and
 * the threshold is its highest priority: every request below it is in, those at it partly
 * (never 0, which the contract refuses: a sample whose every priority is 0 gets the smallest
 * positive number).
 */
export function opportunitySampleThreshold(sampleEntries: number, dayRequests: number, highestPriority: number | undefined): number {
  if (sampleEntries >= dayRequests || highestPriority === undefined) return 1;
  return Math.min(1, Math.max(highestPriority, Number.MIN_VALUE));
}

/** Splits an hour's counts into `opportunities.ingestHour` calls of at most {@link OPPORTUNITY_HOUR_CHUNK} placements. */
export function opportunityHourChunks<Entry>(entries: readonly Entry[], size = OPPORTUNITY_HOUR_CHUNK): Entry[][] {
  const chunks: Entry[][] = [];
  for (let at = 0; at < entries.length; at += size) chunks.push(entries.slice(at, at + size));
  return chunks;
}
