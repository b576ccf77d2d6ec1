import { z } from 'zod';

/** One bucket of a warmed time series, as stored in the hash field of its bucket start (ISO). */
export const timeSeriesPoint = z.object({
  impressions: z.number().int(),
  viewableImpressions: z.number().int(),
  clicks: z.number().int(),
  spendMicros: z.number().int(),
  ctr: z.number(),
  /**
   * When the newest roll-up batch that changed this bucket was applied (the latest
   * `hourly_stat.updated_at` inside it). Absent in series warmed before it existed.
   */
  lastIngestAt: z.iso.datetime({ offset: true }).optional(),
});
export type TimeSeriesPoint = z.infer<typeof timeSeriesPoint>;

/** The time-series meta key's value: the window the last complete warm covered. */
export const timeSeriesMeta = z.object({
  warmedAt: z.iso.datetime({ offset: true }),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  retentionDays: z.number().int(),
});
export type TimeSeriesMeta = z.infer<typeof timeSeriesMeta>;
