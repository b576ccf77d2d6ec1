import { z } from 'zod';

/** What ads-scoring publishes per ad, and serving multiplies into its ranking. */
export const adScore = z.object({
  /** Smoothed probability of a click per impression (Beta-binomial posterior mean). */
  pCtr: z.number().min(0).max(1),
  /** Expected revenue per thousand impressions, in micros. */
  eCpmMicros: z.number().min(0),
  /** Multiplier from pacing: below 1 slows a campaign ahead of plan, above 1 speeds one behind. */
  pacingFactor: z.number().min(0).max(10),
});
export type AdScore = z.infer<typeof adScore>;

/** The meta field of a score version: when it was computed and with which defaults. */
export const scoreVersionMeta = z.object({
  version: z.string(),
  computedAt: z.iso.datetime({ offset: true }),
  ads: z.number().int(),
  /** Score for an ad that has none in this version. */
  defaults: adScore,
});
export type ScoreVersionMeta = z.infer<typeof scoreVersionMeta>;

/** The field of a score version hash that holds its meta; every other field is an ad id. */
export const SCORE_META_FIELD = '__meta';
/** Serving ignores a score version older than this and falls back to defaults. */
export const SCORE_MAX_AGE_MS = 6 * 3600 * 1000;
