import { timingSafeEqual } from 'node:crypto';
import type { TrackingEventType } from '@ads/ads-client';
import { HmacSha256 } from './hmac-sha256';

/** Everything a beacon needs to count its event without looking anything up. */
export interface TrackingClaims {
  decisionId: string;
  adId: string;
  campaignId: string;
  advertiserId: string;
  placementKey: string;
  userKey: string;
  /** Spend of the impression (CPM campaigns), in micros. */
  impressionSpendMicros: number;
  /** Spend of the click (CPC campaigns), in micros. */
  clickSpendMicros: number;
  /** Epoch seconds after which the URLs are refused. */
  expiresAt: number;
}

/** Path of each beacon on the serving host. */
export const TRACKING_PATHS: Record<TrackingEventType, string> = {
  impression: '/t/i',
  viewable: '/t/v',
  click: '/t/c',
};

export type TrackingUrlProblem =
  { kind: 'invalid'; field: string; message: string } | { kind: 'forged' } | { kind: 'expired'; claims: TrackingClaims };

/** Each beacon's URL up to its query: `<base>/t/i?` and so on. */
export interface BeaconBases {
  impression: string;
  viewable: string;
  click: string;
}

export function beaconBases(baseUrl: string): BeaconBases {
  return {
    impression: `${baseUrl}${TRACKING_PATHS.impression}?`,
    viewable: `${baseUrl}${TRACKING_PATHS.viewable}?`,
    click: `${baseUrl}${TRACKING_PATHS.click}?`,
  };
}

export interface BeaconUrls {
  impressionUrl: string;
  viewableUrl: string;
  clickUrl: string;
}

// One HMAC-SHA256 per decided ad; each event gets its own disjoint slice of the base64url
// digest (15, 15 and 13 characters: 90, 90 and 76 bits), so the tag of one beacon tells
// nothing about another's.
const TAG_CHARACTERS: Record<TrackingEventType, [number, number]> = { impression: [0, 15], viewable: [15, 30], click: [30, 43] };
const { impression: IMPRESSION_TAG, viewable: VIEWABLE_TAG, click: CLICK_TAG } = TAG_CHARACTERS;
const MAX_TAG_LENGTH = 15;
const URL_SAFE = /^[A-Za-z0-9_.~-]*$/;

// Query parameter of each claim: short, because three of these URLs go into every decided ad.
const PARAM = {
  decisionId: 'd',
  adId: 'a',
  campaignId: 'c',
  advertiserId: 'v',
  placementKey: 'p',
  userKey: 'u',
  impressionSpendMicros: 'm',
  clickSpendMicros: 'n',
  expiresAt: 'x',
  signature: 's',
} as const;

// Ids are almost always URL-safe already; encoding only the others saves most of the cost.
function encode(value: string): string {
  return URL_SAFE.test(value) ? value : encodeURIComponent(value);
}

/**
 * The claims as the query string of their URLs, in a fixed order with every value
 * percent-encoded the one way `encode` does: the text the HMAC covers. It is made of three
 * parts so that a decision builds each only once: the campaign's (fixed for an index
 * version), the slot's placement, and the decision's own. A beacon rebuilds the same text from
 * the values it read, so any change to a value changes the text.
 */
export const trackingQuery = {
  /** `c=…&v=…&m=…&n=…`: what the campaign fixes (ids and prices per event). */
  campaign(campaignId: string, advertiserId: string, impressionSpendMicros: number, clickSpendMicros: number): string {
    return `${PARAM.campaignId}=${encode(campaignId)}&${PARAM.advertiserId}=${encode(advertiserId)}&${PARAM.impressionSpendMicros}=${impressionSpendMicros}&${PARAM.clickSpendMicros}=${clickSpendMicros}`;
  },
  /** `p=…`: the slot's placement. */
  placement(placementKey: string): string {
    return `${PARAM.placementKey}=${encode(placementKey)}`;
  },
  /** `d=…&u=…&x=…`: the decision, its user and when its URLs expire. */
  decision(decisionId: string, userKey: string, expiresAt: number): string {
    return `${PARAM.decisionId}=${encode(decisionId)}&${PARAM.userKey}=${encode(userKey)}&${PARAM.expiresAt}=${expiresAt}`;
  },
  /** The whole canonical query of one ad from the three parts. */
  of(adId: string, campaignPart: string, placementPart: string, decisionPart: string): string {
    return `${PARAM.adId}=${encode(adId)}&${campaignPart}&${placementPart}&${decisionPart}`;
  },
};

function claimsQuery(claims: TrackingClaims): string {
  return trackingQuery.of(
    claims.adId,
    trackingQuery.campaign(claims.campaignId, claims.advertiserId, claims.impressionSpendMicros, claims.clickSpendMicros),
    trackingQuery.placement(claims.placementKey),
    trackingQuery.decision(claims.decisionId, claims.userKey, claims.expiresAt),
  );
}

/**
 * Signs and checks tracking URLs with HMAC-SHA256 over every claim, so that no claim (ad,
 * price, user, placement, expiry) can be altered, and each URL is bound to its event: the
 * three beacons of an ad share one HMAC computation, each carrying its own slice of the
 * digest. The click destination is not in the URL: the beacon redirects to the ad's landing
 * page from the index, so a tracking URL can never be turned into an open redirect.
 *
 * Secrets rotate without losing the beacons of decisions already made: URLs are signed with
 * the current secret, and a URL signed with the previous one is still accepted until it
 * expires, so the previous secret can be dropped one URL lifetime after the switch.
 */
export class TrackingSigner {
  private readonly hmac: HmacSha256;
  private readonly previous: HmacSha256 | undefined;

  constructor(secret: string, previousSecret?: string) {
    this.hmac = new HmacSha256(secret);
    this.previous = previousSecret === undefined ? undefined : new HmacSha256(previousSecret);
  }

  /** The signature (tag) of one event's URL. */
  sign(event: TrackingEventType, claims: TrackingClaims): string {
    return tagOf(this.hmac, event, claimsQuery(claims));
  }

  /**
   * The impression, viewable-impression and click URLs of one decided ad. They are plain
   * ASCII with nothing to escape in JSON when `baseUrl` has none (ids are percent-encoded).
   */
  urls(baseUrl: string, claims: TrackingClaims): BeaconUrls {
    return this.urlsOf(beaconBases(baseUrl), claimsQuery(claims));
  }

  /**
   * The three URLs of an ad from its canonical query (`trackingQuery.of`) and the beacon
   * bases of `beaconBases`: the decision path, which builds the query from parts made once.
   */
  urlsOf(bases: BeaconBases, query: string): BeaconUrls {
    // The signed text is the URL's own query: one string to build, flattened once by the hash.
    const digest = this.hmac.digest(query);
    return {
      impressionUrl: `${bases.impression}${query}&${PARAM.signature}=${digest.slice(IMPRESSION_TAG[0], IMPRESSION_TAG[1])}`,
      viewableUrl: `${bases.viewable}${query}&${PARAM.signature}=${digest.slice(VIEWABLE_TAG[0], VIEWABLE_TAG[1])}`,
      clickUrl: `${bases.click}${query}&${PARAM.signature}=${digest.slice(CLICK_TAG[0], CLICK_TAG[1])}`,
    };
  }

  /**
   * Reads a beacon's query string: the claims when the signature holds and the URL has not
   * expired, else what is wrong (a missing field is named; a bad signature is only "forged").
   */
  read(
    event: TrackingEventType,
    query: URLSearchParams,
    nowMs: number,
  ): { ok: true; claims: TrackingClaims } | { ok: false; problem: TrackingUrlProblem } {
    const text = (name: keyof typeof PARAM, max: number): string | TrackingUrlProblem => {
      const value = query.get(PARAM[name]);
      if (value === null || value.length === 0)
        return { kind: 'invalid', field: name, message: `query parameter "${PARAM[name]}" (${name}) is required` };
      if (value.length > max)
        return { kind: 'invalid', field: name, message: `query parameter "${PARAM[name]}" (${name}) is longer than ${max}` };
      return value;
    };
    const integer = (name: keyof typeof PARAM): number | TrackingUrlProblem => {
      const value = text(name, 16);
      if (typeof value !== 'string') return value;
      if (!/^\d+$/.test(value))
        return { kind: 'invalid', field: name, message: `query parameter "${PARAM[name]}" (${name}) must be a non-negative integer` };
      return Number(value);
    };
    const values = {
      decisionId: text('decisionId', 100),
      adId: text('adId', 100),
      campaignId: text('campaignId', 100),
      advertiserId: text('advertiserId', 100),
      placementKey: text('placementKey', 100),
      userKey: text('userKey', 64),
      impressionSpendMicros: integer('impressionSpendMicros'),
      clickSpendMicros: integer('clickSpendMicros'),
      expiresAt: integer('expiresAt'),
      signature: text('signature', MAX_TAG_LENGTH),
    };
    for (const value of Object.values(values)) {
      if (typeof value === 'object') return { ok: false, problem: value };
    }
    const claims: TrackingClaims = {
      decisionId: values.decisionId as string,
      adId: values.adId as string,
      campaignId: values.campaignId as string,
      advertiserId: values.advertiserId as string,
      placementKey: values.placementKey as string,
      userKey: values.userKey as string,
      impressionSpendMicros: values.impressionSpendMicros as number,
      clickSpendMicros: values.clickSpendMicros as number,
      expiresAt: values.expiresAt as number,
    };
    const signed = claimsQuery(claims);
    const given = Buffer.from(values.signature as string);
    const signedBy = (hmac: HmacSha256) => {
      const expected = Buffer.from(tagOf(hmac, event, signed));
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    if (!signedBy(this.hmac) && (this.previous === undefined || !signedBy(this.previous)))
      return { ok: false, problem: { kind: 'forged' } };
    if (claims.expiresAt * 1000 <= nowMs) return { ok: false, problem: { kind: 'expired', claims } };
    return { ok: true, claims };
  }
}

function tagOf(hmac: HmacSha256, event: TrackingEventType, query: string): string {
  const [from, to] = TAG_CHARACTERS[event];
  return hmac.digest(query).slice(from, to);
}

/** The id of one event of one decided ad: what replays, holds and the roll-up know it by. */
export function trackingEventId(decisionId: string, adId: string, type: TrackingEventType): string {
  return `${decisionId}:${adId}:${type}`;
}

/** Spend a counted event adds: the impression's for impressions, the click's for clicks. */
export function spendOfEvent(type: TrackingEventType, claims: TrackingClaims): number {
  return type === 'impression' ? claims.impressionSpendMicros : type === 'click' ? claims.clickSpendMicros : 0;
}
