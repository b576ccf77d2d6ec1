import { MICROS_PER_MINOR_UNIT } from './inventory.js';

// The platform's one definition of what an ad earns and spends: ads-scoring publishes eCPMs
// with it and serving ranks and paces with it, so the two can never disagree.

export type BidType = 'CPM' | 'CPC';

/**
 * Expected revenue per thousand impressions, in micros, from a bid in minor units: a CPM bid
 * is already a price per thousand; a CPC bid earns once per click, so per thousand
 * impressions it earns pCTR × 1000 × bid.
 */
export function eCpmMicros(bidType: BidType, bidAmountMinor: number, pCtr: number): number {
  const bidMicros = Math.max(0, bidAmountMinor) * MICROS_PER_MINOR_UNIT;
  return bidType === 'CPM' ? bidMicros : Math.round(pCtr * 1000 * bidMicros);
}

/** Spend of one impression (CPM) and one click (CPC), in micros. */
export function spendPerEvent(bidType: BidType, bidAmountMinor: number): { impressionMicros: number; clickMicros: number } {
  const bidMicros = Math.max(0, bidAmountMinor) * MICROS_PER_MINOR_UNIT;
  return bidType === 'CPM' ? { impressionMicros: bidMicros / 1000, clickMicros: 0 } : { impressionMicros: 0, clickMicros: bidMicros };
}
