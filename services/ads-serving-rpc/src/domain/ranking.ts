import { MICROS_PER_MINOR_UNIT } from '@ads/ads-client';

/**
 * Expected revenue per thousand impressions, in micros: a CPM bid is that already (minor units
 * per mille); a CPC bid pays per click, so it is weighted by the predicted click rate.
 */
export function eCpmMicros(bidType: 'CPM' | 'CPC', bidAmount: number, pCtr: number): number {
  const bidMicros = bidAmount * MICROS_PER_MINOR_UNIT;
  return bidType === 'CPM' ? bidMicros : pCtr * bidMicros * 1000;
}

/** Spend of one impression (CPM) and one click (CPC), in micros. */
export function spendPerEvent(bidType: 'CPM' | 'CPC', bidAmount: number): { impressionMicros: number; clickMicros: number } {
  const bidMicros = bidAmount * MICROS_PER_MINOR_UNIT;
  return bidType === 'CPM' ? { impressionMicros: bidMicros / 1000, clickMicros: 0 } : { impressionMicros: 0, clickMicros: bidMicros };
}

/** The lottery weight of an ad: its eCPM times the pacing factor that ads-scoring computed. */
export function lotteryWeight(eCpm: number, pacingFactor: number): number {
  const weight = eCpm * pacingFactor;
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}
