import { MICROS_PER_MINOR_UNIT } from '@ads/ads-client';

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
