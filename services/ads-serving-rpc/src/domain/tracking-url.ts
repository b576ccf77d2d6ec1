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

/** Paths of the beacons signed the old way (claims in the query, one tag per event). */
export const LEGACY_TRACKING_PATHS: Record<TrackingEventType, string> = {
  impression: '/t/i',
  viewable: '/t/v',
  click: '/t/c',
};

/** Prefix of every beacon path: `/t/<token>/i` and the like, or a legacy `/t/i?…`. */
export const TRACKING_PATH_PREFIX = '/t/';

const EVENT_OF_CODE: Record<string, TrackingEventType> = { i: 'impression', v: 'viewable', c: 'click' };

/**
 * The beacon a request path names: `/t/<token>/<i|v|c>` (a token) or one of the legacy paths
 * `/t/i`, `/t/v`, `/t/c` (claims in the query); undefined for any other path.
 */
export function beaconOfPath(path: string): { event: TrackingEventType; token: string | undefined } | undefined {
  if (!path.startsWith(TRACKING_PATH_PREFIX)) return undefined;
  const event = EVENT_OF_CODE[path.charAt(path.length - 1)];
  if (event === undefined) return undefined;
  if (path.length === 4) return { event, token: undefined };
  if (path.charAt(path.length - 2) !== '/' || path.length < 6) return undefined;
  const token = path.slice(TRACKING_PATH_PREFIX.length, -2);
  return token.includes('/') ? undefined : { event, token };
}

export type TrackingUrlProblem =
  { kind: 'invalid'; field: string; message: string } | { kind: 'forged' } | { kind: 'expired'; claims: TrackingClaims };

export interface BeaconUrls {
  impressionUrl: string;
  viewableUrl: string;
  clickUrl: string;
}

// Legacy URLs: one HMAC-SHA256 per decided ad; each event gets its own disjoint slice of the base64url
// digest (15, 15 and 13 characters: 90, 90 and 76 bits), so the tag of one beacon tells
// nothing about another's.
const TAG_CHARACTERS: Record<TrackingEventType, [number, number]> = { impression: [0, 15], viewable: [15, 30], click: [30, 43] };
const { impression: IMPRESSION_TAG, viewable: VIEWABLE_TAG, click: CLICK_TAG } = TAG_CHARACTERS;
const MAX_TAG_LENGTH = 15;
const URL_SAFE = /^[A-Za-z0-9_.~-]*$/;

// Query parameter of each claim in a legacy URL.
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

/** The legacy canonical query of the claims (what the old URLs carried and their HMAC covered). */
function legacyQuery(claims: TrackingClaims): string {
  return (
    `${PARAM.adId}=${encode(claims.adId)}&${PARAM.campaignId}=${encode(claims.campaignId)}&${PARAM.advertiserId}=${encode(claims.advertiserId)}` +
    `&${PARAM.impressionSpendMicros}=${claims.impressionSpendMicros}&${PARAM.clickSpendMicros}=${claims.clickSpendMicros}` +
    `&${PARAM.placementKey}=${encode(claims.placementKey)}&${PARAM.decisionId}=${encode(claims.decisionId)}&${PARAM.userKey}=${encode(claims.userKey)}&${PARAM.expiresAt}=${claims.expiresAt}`
  );
}

// A token: the claims' values in a fixed order, each `encode`d (so none holds a ',' or a '/'),
// numbers in base 36, joined by ',', then ',' and the first 22 characters (132 bits) of the
// base64url HMAC-SHA256 of everything before it. One per decided ad, shared by its three beacons.
const TOKEN_TAG_LENGTH = 22;
const TOKEN_FIELDS = [
  'adId',
  'campaignId',
  'advertiserId',
  'impressionSpendMicros',
  'clickSpendMicros',
  'placementKey',
  'decisionId',
  'userKey',
  'expiresAt',
] as const satisfies readonly (keyof TrackingClaims)[];
// At most 10 base-36 digits: below 2^53, so parseInt is exact.
const TOKEN_NUMBER = /^[0-9a-z]{1,10}$/;
const TOKEN_TEXT_MAX: Record<string, number> = {
  adId: 100,
  campaignId: 100,
  advertiserId: 100,
  placementKey: 100,
  decisionId: 100,
  userKey: 64,
};
/** The longest token accepted: every field at its longest, percent-encoded, and the tag. */
export const MAX_TOKEN_LENGTH = 2_000;

/**
 * The signed text of a token, in three parts so that a decision builds each only once: the
 * campaign's (fixed for an index version), the slot's placement, and the decision's own.
 */
export const trackingToken = {
  /** `<campaign>,<advertiser>,<impression price>,<click price>`: what the campaign fixes. */
  campaign(campaignId: string, advertiserId: string, impressionSpendMicros: number, clickSpendMicros: number): string {
    return `${encode(campaignId)},${encode(advertiserId)},${impressionSpendMicros.toString(36)},${clickSpendMicros.toString(36)}`;
  },
  /** The slot's placement. */
  placement(placementKey: string): string {
    return encode(placementKey);
  },
  /** `<decision>,<user>,<expiry>`: the decision, its user and when its beacons expire. */
  decision(decisionId: string, userKey: string, expiresAt: number): string {
    return `${encode(decisionId)},${encode(userKey)},${expiresAt.toString(36)}`;
  },
  /** The whole signed text of one ad from the three parts. */
  of(adId: string, campaignPart: string, placementPart: string, decisionPart: string): string {
    return `${encode(adId)},${campaignPart},${placementPart},${decisionPart}`;
  },
};

function claimsText(claims: TrackingClaims): string {
  return trackingToken.of(
    claims.adId,
    trackingToken.campaign(claims.campaignId, claims.advertiserId, claims.impressionSpendMicros, claims.clickSpendMicros),
    trackingToken.placement(claims.placementKey),
    trackingToken.decision(claims.decisionId, claims.userKey, claims.expiresAt),
  );
}

type ReadResult = { ok: true; claims: TrackingClaims } | { ok: false; problem: TrackingUrlProblem };

/**
 * Signs and checks tracking tokens with HMAC-SHA256 over every claim, so that no claim (ad,
 * price, user, placement, expiry) can be altered. One token per decided ad, one HMAC: its
 * impression, viewable and click beacons are `/t/<token>/i`, `/v`, `/c`, and the event is
 * told by the path (each event is counted once: its id and replay marker name the event). The
 * click destination is not in the URL: the beacon redirects to the ad's landing page from the
 * index, so a tracking URL can never be turned into an open redirect.
 *
 * Secrets rotate without losing the beacons of decisions already made: tokens are signed with
 * the current secret, and one signed with the previous secret is still accepted until it
 * expires, so the previous secret can be dropped one URL lifetime after the switch.
 *
 * Legacy URLs (`/t/i?a=…&s=…`: the claims in the query, a slice of the HMAC per event) were
 * made before tokens; `readLegacy` still accepts them, with either secret, until they expire.
 * It (and `legacyUrls`, which the tests use to make such URLs) is to be removed one
 * `TRACKING_URL_TTL_SECONDS` after every instance signs tokens.
 */
export class TrackingSigner {
  private readonly hmac: HmacSha256;
  private readonly previous: HmacSha256 | undefined;

  constructor(secret: string, previousSecret?: string) {
    this.hmac = new HmacSha256(secret);
    this.previous = previousSecret === undefined ? undefined : new HmacSha256(previousSecret);
  }

  /** The token of one decided ad. */
  token(claims: TrackingClaims): string {
    return this.tokenOf(claimsText(claims));
  }

  /** The token from its signed text (`trackingToken.of`): the decision path, which builds the text from parts made once. */
  tokenOf(text: string): string {
    return `${text},${this.hmac.digest(text).slice(0, TOKEN_TAG_LENGTH)}`;
  }

  /**
   * Reads a token: the claims when its tag holds (current or previous secret) and it has not
   * expired, else what is wrong (a malformed field is named; a bad tag is only "forged").
   */
  readToken(token: string, nowMs: number): ReadResult {
    if (token.length > MAX_TOKEN_LENGTH)
      return { ok: false, problem: { kind: 'invalid', field: 'token', message: `tracking token is longer than ${MAX_TOKEN_LENGTH}` } };
    const parts = token.split(',');
    if (parts.length !== TOKEN_FIELDS.length + 1)
      return {
        ok: false,
        problem: {
          kind: 'invalid',
          field: 'token',
          message: `tracking token has ${parts.length} fields, expected ${TOKEN_FIELDS.length + 1}`,
        },
      };
    const values: Record<string, string | number> = {};
    for (let at = 0; at < TOKEN_FIELDS.length; at += 1) {
      const field = TOKEN_FIELDS[at]!;
      const raw = parts[at]!;
      const max = TOKEN_TEXT_MAX[field];
      if (max === undefined) {
        if (!TOKEN_NUMBER.test(raw)) return invalid(field, `tracking token field ${at + 1} (${field}) must be a base-36 number`);
        values[field] = parseInt(raw, 36);
        continue;
      }
      let value = raw;
      // Ids are almost always URL-safe as they are (see `encode`): nothing to decode.
      if (raw.includes('%')) {
        try {
          value = decodeURIComponent(raw);
        } catch {
          return invalid(field, `tracking token field ${at + 1} (${field}) is not percent-encoded UTF-8`);
        }
      }
      if (value.length === 0) return invalid(field, `tracking token field ${at + 1} (${field}) is empty`);
      if (value.length > max) return invalid(field, `tracking token field ${at + 1} (${field}) is longer than ${max}`);
      values[field] = value;
    }
    const tagAt = token.lastIndexOf(',');
    const given = parts[TOKEN_FIELDS.length]!;
    const text = token.slice(0, tagAt);
    const signedBy = (hmac: HmacSha256) => tagMatches(given, hmac.digest(text));
    if (!signedBy(this.hmac) && (this.previous === undefined || !signedBy(this.previous)))
      return { ok: false, problem: { kind: 'forged' } };
    const claims = values as unknown as TrackingClaims;
    if (claims.expiresAt * 1000 <= nowMs) return { ok: false, problem: { kind: 'expired', claims } };
    return { ok: true, claims };
  }

  /** The three URLs of an ad signed the legacy way (for the tests of `readLegacy`; decisions carry tokens). */
  legacyUrls(baseUrl: string, claims: TrackingClaims): BeaconUrls {
    const query = legacyQuery(claims);
    const digest = this.hmac.digest(query);
    const url = (event: TrackingEventType, [from, to]: [number, number]) =>
      `${baseUrl}${LEGACY_TRACKING_PATHS[event]}?${query}&${PARAM.signature}=${digest.slice(from, to)}`;
    return {
      impressionUrl: url('impression', IMPRESSION_TAG),
      viewableUrl: url('viewable', VIEWABLE_TAG),
      clickUrl: url('click', CLICK_TAG),
    };
  }

  /**
   * Reads a legacy beacon's query string: the claims when the signature holds and the URL has
   * not expired, else what is wrong (a missing field is named; a bad signature is only "forged").
   */
  readLegacy(event: TrackingEventType, query: URLSearchParams, nowMs: number): ReadResult {
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
    const signed = legacyQuery(claims);
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

/**
 * Whether `given` is the token tag of `digest` (its first TOKEN_TAG_LENGTH characters), in time
 * that does not depend on where they differ, as `timingSafeEqual` would but without copying
 * both into Buffers for every beacon. The digest is base64url (ASCII); `given` is compared by
 * UTF-16 code units, so a non-ASCII tag never matches.
 */
function tagMatches(given: string, digest: string): boolean {
  if (given.length !== TOKEN_TAG_LENGTH) return false;
  let difference = 0;
  for (let at = 0; at < TOKEN_TAG_LENGTH; at += 1) difference |= given.charCodeAt(at) ^ digest.charCodeAt(at);
  return difference === 0;
}

function invalid(field: string, message: string): ReadResult {
  return { ok: false, problem: { kind: 'invalid', field, message } };
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
