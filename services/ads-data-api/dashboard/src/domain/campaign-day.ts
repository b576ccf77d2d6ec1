// The time helpers' own entry point: the client's index would bring Node modules into the bundle.
import { localDay } from '@ads/ads-client/time';

/**
 * The day of a campaign's time zone that contains `epochMs`, with its bounds [startMs, endMs)
 * in epoch ms: daily budgets are read in that zone (the same day serving paces by). Falls back
 * to UTC for a zone the browser does not know.
 */
export function campaignDay(epochMs: number, timeZone: string): { day: string; startMs: number; endMs: number } {
  try {
    return localDay(epochMs, timeZone);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return localDay(epochMs, 'UTC');
  }
}
