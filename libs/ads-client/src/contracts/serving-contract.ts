import { z } from 'zod';
import { defineContract, method } from '../rpc/contract.js';
import { checkDecisionRequestFast } from './decision-request-fast-check.js';
import { adFormat, device } from './inventory.js';
import { pageProperties } from './page-properties.js';

const placementKey = z.string().min(1).max(100);

/** A decision request shaped like Kevel's: one entry per slot on the page. */
export const decisionRequest = z.strictObject({
  placements: z
    .array(
      z.strictObject({
        divName: z.string().min(1).max(100),
        placementKey,
        count: z.number().int().min(1).max(10).default(1),
        formats: z.array(adFormat).min(1).max(2).optional(),
        /** This slot's properties: they extend the page's, and replace a page property of the same key. */
        properties: pageProperties.optional(),
      }),
    )
    .min(1)
    .max(20),
  /** The visitor's key; generated and returned when missing. */
  userKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 of A-Z, a-z, 0-9, "_" or "-"')
    .optional(),
  pageUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  referrer: z.string().max(2048).optional(),
  keywords: z.array(z.string().trim().toLowerCase().min(1).max(100)).max(50).default([]),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals')
    .optional(),
  device: device.optional(),
  /** Without consent no frequency-cap state is kept for the user key. */
  consent: z.boolean().default(true),
  /**
   * Custom properties of the page (key-value targeting), e.g. `{ section: 'sports',
   * article_tags: ['nba'], logged_in: true, word_count: 812 }`: at most 20, keys of a-z, 0-9
   * and "_", values a text (≤ 100), a finite number, a boolean or a list of ≤ 20 texts.
   */
  properties: pageProperties.optional(),
});
export type DecisionRequest = z.input<typeof decisionRequest>;

export const decidedAd = z.object({
  adId: z.string(),
  campaignId: z.string(),
  advertiserId: z.string(),
  format: adFormat,
  contents: z.object({
    title: z.string(),
    body: z.string(),
    imageUrl: z.string().nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
  }),
  /**
   * The base of the ad's three beacons, `<serving>/t/<token>`: one signed token per ad. The
   * impression, viewable-impression and click beacons are this URL plus `/i`, `/v` and `/c`
   * (`beaconUrl`); the click beacon redirects to the ad's landing page.
   */
  trackingUrl: z.string(),
});
export type DecidedAd = z.infer<typeof decidedAd>;

/** Something about one slot of the request the caller should fix; the other slots are served. */
export const decisionWarning = z.object({
  divName: z.string(),
  placementKey: z.string(),
  /** PLACEMENT_UNKNOWN: no placement has this key (a typo, or a placement not warmed yet). */
  code: z.enum(['PLACEMENT_UNKNOWN']),
  message: z.string(),
});
export type DecisionWarning = z.infer<typeof decisionWarning>;

export const decisionResponse = z.object({
  decisionId: z.string(),
  userKey: z.string(),
  /** Keyed by divName; an empty list when nothing was eligible. */
  decisions: z.record(z.string(), z.array(decidedAd)),
  /** Present when a slot of the request names something the server does not know. */
  warnings: z.array(decisionWarning).optional(),
});
export type DecisionResponse = z.infer<typeof decisionResponse>;

/** The contract of ads-serving-rpc, mounted at `/rpc` on the bare node:http backend. */
export const servingContract = defineContract({
  serving: {
    decide: method({
      input: decisionRequest,
      output: decisionResponse,
      doc: 'Chooses ads for the placements of one page view and returns signed tracking URLs.',
      idempotent: true,
      // The hot path: ordinary requests skip zod (about a tenth of its cost); zod names faults.
      fastInput: checkDecisionRequestFast,
    }),
  },
});
export type ServingContract = typeof servingContract;

export const trackingEventType = z.enum(['impression', 'viewable', 'click']);
export type TrackingEventType = z.infer<typeof trackingEventType>;

/** The last path segment of each event's beacon: `<trackingUrl>/i`, `/v`, `/c`. */
export const BEACON_EVENT_CODES = { impression: 'i', viewable: 'v', click: 'c' } as const satisfies Record<TrackingEventType, string>;

/** The URL of one event's beacon of a decided ad, from its `trackingUrl`. */
export function beaconUrl(trackingUrl: string, event: TrackingEventType): string {
  return `${trackingUrl}/${BEACON_EVENT_CODES[event]}`;
}

/** One counted event as serving appends it to the events stream for the roll-up. */
export const trackingEvent = z.object({
  type: trackingEventType,
  eventId: z.string(),
  decisionId: z.string(),
  adId: z.string(),
  campaignId: z.string(),
  advertiserId: z.string(),
  placementKey: z.string(),
  userKey: z.string(),
  /** Epoch milliseconds when serving counted the event. */
  at: z.number().int(),
  spendMicros: z.number().int().min(0),
});
export type TrackingEvent = z.infer<typeof trackingEvent>;
