import type { AdScore } from '@ads/ads-client';

/** The value serving ranks by: eCPM scaled by the pacing factor. */
export function rankValue(score: AdScore): number {
  return score.eCpmMicros * score.pacingFactor;
}

export interface ScoreMove {
  adId: string;
  before: AdScore;
  after: AdScore;
  /** log2 of after / before rank value (+1: doubled, −1: halved). */
  change: number;
}

export interface ScoreMoves {
  movers: ScoreMove[];
  /** Ads scored now that the previous version did not have. */
  added: number;
  /** Ads of the previous version that are no longer scored. */
  removed: number;
}

// Keeps a zero on either side finite: a micro is far below any real eCPM.
const EPSILON_MICROS = 1;

/** The ads whose rank value moved most (either way) between two versions, biggest first. */
export function biggestMovers(before: ReadonlyMap<string, AdScore> | null, after: ReadonlyMap<string, AdScore>, limit: number): ScoreMoves {
  if (before === null) return { movers: [], added: after.size, removed: 0 };
  const movers: ScoreMove[] = [];
  let added = 0;
  for (const [adId, next] of after) {
    const previous = before.get(adId);
    if (previous === undefined) {
      added += 1;
      continue;
    }
    const change = Math.log2((rankValue(next) + EPSILON_MICROS) / (rankValue(previous) + EPSILON_MICROS));
    if (change !== 0) movers.push({ adId, before: previous, after: next, change });
  }
  let removed = 0;
  for (const adId of before.keys()) if (!after.has(adId)) removed += 1;
  movers.sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.adId.localeCompare(b.adId));
  return { movers: movers.slice(0, limit), added, removed };
}
