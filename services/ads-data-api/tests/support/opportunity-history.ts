// A synthetic opportunity history with a known shape: request counts per placement and UTC hour
// that follow a weekly x daily pattern exactly, and day samples with a fixed audience mix.
// Tests hand it to the model directly or write it into opportunity_hour / opportunity_day.
import { visitorHash, type OpportunitySample } from '@ads/ads-client';

import type { OpportunityDaySample, OpportunityHourCount } from '../../src/domain/forecast-model';
import type { PrismaClient } from '../../src/store/prisma-client';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Multipliers by UTC weekday (0 = Sunday): a quiet weekend. */
export const WEEKLY_PATTERN = [0.5, 1, 1.1, 1.2, 1.1, 1, 0.6] as const;
/** Multipliers by UTC hour: night low, a peak at midday and one in the evening. */
export const DAILY_PATTERN = [
  0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.5, 1.4, 1.3, 1.3, 1.4, 1.6, 1.8, 1.6, 1.2, 0.8, 0.4,
] as const;

export interface SyntheticPlacement {
  id: string;
  key: string;
  /** Requests of an hour at multiplier 1. */
  base: number;
}

/** The exact requests of a placement in a UTC hour. */
export function syntheticRequests(base: number, hourMs: number): number {
  const date = new Date(hourMs);
  return Math.round(base * WEEKLY_PATTERN[date.getUTCDay()]! * DAILY_PATTERN[date.getUTCHours()]!);
}

/** Entries per placement and day: a multiple of 200, so every share below is exact. */
export const ENTRIES_PER_PLACEMENT_DAY = 200;

/**
 * The audience of a placement's j-th sampled request of a day: countries US 50%, FR 30%,
 * DE 10%, unknown 10%; devices desktop 40%, mobile 40%, tablet 20% (independent of country);
 * keyword "sports" or "news" 50% each (with property section equal to it); logged_in true 50%.
 * Visitors make 4 requests each, 6 hours apart.
 */
export function syntheticEntry(key: string, dayMs: number, j: number): OpportunitySample {
  const country = (['US', 'US', 'US', 'US', 'US', 'FR', 'FR', 'FR', 'DE', undefined] as const)[j % 10];
  const device = (['desktop', 'mobile', 'desktop', 'mobile', 'tablet'] as const)[Math.floor(j / 10) % 5]!;
  const keyword = Math.floor(j / 50) % 2 === 0 ? 'sports' : 'news';
  const visitor = Math.floor(j / 4);
  return {
    placementKey: key,
    hour: ((visitor % 6) + (j % 4) * 6) % 24,
    visitor: visitorHash(`${dayMs}:${key}:${visitor}`),
    nonce: j,
    ...(country === undefined ? {} : { country }),
    device,
    keywords: [keyword],
    properties: { section: keyword, logged_in: Math.floor(j / 100) % 2 === 0 },
  };
}

/**
 * Counts of every hour and a complete sample (threshold 1) of every UTC day in
 * [startDayMs, startDayMs + days), `entriesPerPlacementDay` entries per placement and day.
 */
export function syntheticHistory(
  placements: readonly SyntheticPlacement[],
  startDayMs: number,
  days: number,
  entriesPerPlacementDay = ENTRIES_PER_PLACEMENT_DAY,
): { hours: OpportunityHourCount[]; days: OpportunityDaySample[] } {
  const hours: OpportunityHourCount[] = [];
  const samples: OpportunityDaySample[] = [];
  for (let day = 0; day < days; day += 1) {
    const dayMs = startDayMs + day * DAY_MS;
    const sample: OpportunitySample[] = [];
    for (const placement of placements) {
      for (let hour = 0; hour < 24; hour += 1) {
        const hourMs = dayMs + hour * HOUR_MS;
        hours.push({ placementId: placement.id, hourMs, requests: syntheticRequests(placement.base, hourMs) });
      }
      for (let j = 0; j < entriesPerPlacementDay; j += 1) sample.push(syntheticEntry(placement.key, dayMs, j));
    }
    samples.push({ dayMs, sampleThreshold: 1, sample });
  }
  return { hours, days: samples };
}

/** Writes a history into opportunity_hour and opportunity_day, as the roll-up would. */
export async function writeOpportunityHistory(
  prisma: PrismaClient,
  history: { hours: readonly OpportunityHourCount[]; days: readonly OpportunityDaySample[] },
): Promise<void> {
  await prisma.opportunityHour.createMany({
    data: history.hours.map((row) => ({ placementId: row.placementId, hour: new Date(row.hourMs), requests: BigInt(row.requests) })),
  });
  for (const day of history.days) {
    await prisma.opportunityDay.create({
      data: { day: new Date(day.dayMs), sampleThreshold: day.sampleThreshold, sample: day.sample as unknown as object[] },
    });
  }
}
