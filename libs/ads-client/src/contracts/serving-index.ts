import { z } from 'zod';
import { snapshotCampaign, snapshotFeatureSwitch, snapshotPlacement } from './data-api-contract.js';

// The serving index: what cache-warming publishes in Redis and every serving instance loads
// into memory. One version is one Redis hash (`RedisKeys.indexVersion(version)`) whose fields
// are the parts below; a version is immutable once the pointer names it.
//
//   meta           JSON servingIndexMeta
//   placements     JSON servingIndexPlacement[]
//   switches       JSON snapshotFeatureSwitch[]
//   campaigns:<n>  JSON servingIndexCampaign[] for n in 0..meta.chunks-1
//
// An ad's ordinal is its position in the concatenation of the `ads` lists of every campaign,
// chunk by chunk in order. Placements name their candidate ads by ordinal, which keeps the
// per-placement lists small (100,000 ads on ten placements is about 6 MB of JSON).

/** Version of the layout above; a reader refuses a version it does not know. */
export const SERVING_INDEX_FORMAT = 1;

/** The field names of one index version's hash. */
export const SERVING_INDEX_FIELDS = {
  meta: 'meta',
  placements: 'placements',
  switches: 'switches',
  /** The snapshot's asOf in epoch milliseconds: what the publish script compares. */
  asOfMs: 'asOfMs',
  campaignChunk: (chunk: number) => `campaigns:${chunk}`,
} as const;

export const servingIndexAd = snapshotCampaign.shape.ads.element;

/** A campaign as serving decides with it: the snapshot's fields plus the pacing baseline. */
export const servingIndexCampaign = snapshotCampaign.extend({
  /**
   * The real-time spend counter (`RedisKeys.campaignLiveSpend`) as cache-warming read it right
   * after the snapshot page that holds this campaign: serving paces the total budget on
   * `max(live, spentMicros + max(0, live - liveSpendBaselineMicros))` (the counter is the
   * lifetime total, so spend the roll-up has not loaded yet is not forgotten; the baseline only
   * matters when Redis lost the counter).
   */
  liveSpendBaselineMicros: z.number().int().min(0),
});

const ordinals = z.array(z.number().int().min(0));

/** A placement with its candidate ads, arranged by priority tier. */
export const servingIndexPlacement = snapshotPlacement.extend({
  /**
   * Ordinals of the ads that may ever run here: format allowed by the placement, site and
   * category targeting met. Audience targeting (country, device, keywords), day-parting,
   * pacing and caps are left to serving, which checks them per request.
   */
  candidates: z.object({ sponsorship: ordinals, standard: ordinals, house: ordinals }),
});

export const servingIndexMeta = z.object({
  format: z.literal(SERVING_INDEX_FORMAT),
  version: z.string().min(1),
  /** When cache-warming finished building this version. */
  builtAt: z.iso.datetime({ offset: true }),
  /** The snapshot's `asOf`: the inventory as it was at this time. */
  asOf: z.iso.datetime({ offset: true }),
  campaigns: z.number().int().min(0),
  ads: z.number().int().min(0),
  placements: z.number().int().min(0),
  /** How many `campaigns:<n>` fields the version holds. */
  chunks: z.number().int().min(0),
});

export type ServingIndexAd = z.infer<typeof servingIndexAd>;
export type ServingIndexCampaign = z.infer<typeof servingIndexCampaign>;
export type ServingIndexPlacement = z.infer<typeof servingIndexPlacement>;
export type ServingIndexMeta = z.infer<typeof servingIndexMeta>;
export type ServingFeatureSwitch = z.infer<typeof snapshotFeatureSwitch>;

/** One whole index version, as written and as read back. */
export interface ServingIndex {
  meta: ServingIndexMeta;
  placements: ServingIndexPlacement[];
  featureSwitches: ServingFeatureSwitch[];
  campaigns: ServingIndexCampaign[];
}

export const servingIndexPlacements = z.array(servingIndexPlacement);
export const servingIndexSwitches = z.array(snapshotFeatureSwitch);
export const servingIndexCampaignChunk = z.array(servingIndexCampaign);
