import type { z } from 'zod';
// Type-only: serving-contract.ts imports this file at run time to attach the check, so a value
// import back would be a cycle.
import type { decisionRequest } from './serving-contract.js';
import { checkPagePropertiesFast } from './page-properties.js';

type DecisionRequestOutput = z.output<typeof decisionRequest>;
type PlacementRequest = DecisionRequestOutput['placements'][number];
type AdFormat = NonNullable<PlacementRequest['formats']>[number];

// The same pattern as `userKey` in serving-contract.ts; kept in step by the property test.
const USER_KEY = /^[A-Za-z0-9_-]{8,64}$/;

// zod's z.url({ protocol: /^https?$/ }) accepts a string when `^https?://` (any case) starts it
// and the WHATWG parser takes it. This pattern only admits URLs the parser cannot refuse: host
// labels of letters, digits and inner hyphens, the last starting with a letter (a last label
// that reads as a number sends the host to the IPv4 parser), no "xn--"-style label (the parser
// decodes punycode and refuses bad labels), a port of at most 65535, then printable ASCII,
// which the path, query and fragment states never refuse. No tab, CR or LF can match, so zod's
// output (the trimmed input, tabs and newlines deleted) is the trimmed input itself.
const ORDINARY_HTTP_URL =
  /^https?:\/\/(?:(?![a-z0-9]{2}--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*(?![a-z0-9]{2}--)[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?(?::(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?(?:[/?#][\x20-\x7e]*)?$/i;

const MAX_URL_LENGTH = 2048;

/**
 * Recognises the ordinary, well-formed `serving.decide` request without zod: returns exactly
 * what `decisionRequest.safeParse(params).data` would (defaults applied, keywords trimmed and
 * lower-cased, arrays copied), or undefined when it is not sure, so that zod decides and names
 * the fault. It never returns a value for an input zod refuses.
 */
export function checkDecisionRequestFast(params: unknown): DecisionRequestOutput | undefined {
  if (!isPlainRecord(params)) return undefined;
  // for...in, like zod's strict check: it also sees enumerable inherited keys.
  for (const key in params) {
    switch (key) {
      case 'placements':
      case 'userKey':
      case 'pageUrl':
      case 'referrer':
      case 'keywords':
      case 'country':
      case 'device':
      case 'consent':
      case 'properties':
        continue;
      default:
        return undefined;
    }
  }

  const placements = checkPlacements(params.placements);
  if (placements === undefined) return undefined;

  const userKey = params.userKey;
  if (userKey !== undefined && (typeof userKey !== 'string' || !USER_KEY.test(userKey))) return undefined;

  const rawPageUrl = params.pageUrl;
  let pageUrl: string | undefined;
  if (rawPageUrl !== undefined) {
    if (typeof rawPageUrl !== 'string') return undefined;
    // zod validates and returns the trimmed string; the pattern admits nothing it would rewrite further.
    pageUrl = rawPageUrl.trim();
    if (pageUrl.length > MAX_URL_LENGTH || !ORDINARY_HTTP_URL.test(pageUrl)) return undefined;
  }

  const referrer = params.referrer;
  if (referrer !== undefined && !isTextUpTo(referrer, MAX_URL_LENGTH)) return undefined;

  const keywords = checkKeywords(params.keywords);
  if (keywords === undefined) return undefined;

  const country = params.country;
  if (country !== undefined && !isCountryCode(country)) return undefined;

  const device = params.device;
  if (device !== undefined && device !== 'desktop' && device !== 'mobile' && device !== 'tablet') return undefined;

  const consent = params.consent;
  if (consent !== undefined && typeof consent !== 'boolean') return undefined;

  const rawProperties = params.properties;
  let properties: DecisionRequestOutput['properties'];
  if (rawProperties !== undefined) {
    properties = checkPagePropertiesFast(rawProperties);
    if (properties === undefined) return undefined;
  }

  // Keys in the schema's order, as zod builds them. An optional key given as undefined stays
  // present (zod copies it), an absent one stays absent; defaulted keys are always set.
  const request = { placements } as DecisionRequestOutput;
  if (userKey !== undefined || 'userKey' in params) request.userKey = userKey;
  if (pageUrl !== undefined || 'pageUrl' in params) request.pageUrl = pageUrl;
  if (referrer !== undefined || 'referrer' in params) request.referrer = referrer;
  request.keywords = keywords;
  if (country !== undefined || 'country' in params) request.country = country;
  if (device !== undefined || 'device' in params) request.device = device;
  request.consent = consent ?? true;
  if (properties !== undefined || 'properties' in params) request.properties = properties;
  return request;
}

// Only objects straight from JSON.parse or msgpack: other prototypes can carry getters,
// inherited keys or a swapped prototype, which zod may see differently. Arrays fail here too.
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function checkPlacements(value: unknown): PlacementRequest[] | undefined {
  if (!Array.isArray(value) || value.length < 1 || value.length > 20) return undefined;
  const placements = new Array<PlacementRequest>(value.length);
  for (let i = 0; i < value.length; i++) {
    const placement = checkPlacement(value[i]);
    if (placement === undefined) return undefined;
    placements[i] = placement;
  }
  return placements;
}

function checkPlacement(value: unknown): PlacementRequest | undefined {
  if (!isPlainRecord(value)) return undefined;
  const slot = checkSlotBasics(value);
  if (slot === undefined || !('properties' in value)) return slot;
  // The rarer slot that carries properties; zod puts them last, as the schema does.
  if (value.properties === undefined) return { ...slot, properties: undefined };
  const properties = checkPagePropertiesFast(value.properties);
  return properties === undefined ? undefined : { ...slot, properties };
}

function checkSlotBasics(value: Record<string, unknown>): PlacementRequest | undefined {
  for (const key in value) {
    if (key !== 'divName' && key !== 'placementKey' && key !== 'count' && key !== 'formats' && key !== 'properties') return undefined;
  }

  const divName = value.divName;
  if (!isShortText(divName)) return undefined;
  const placementKey = value.placementKey;
  if (!isShortText(placementKey)) return undefined;

  const rawCount = value.count;
  let count = 1;
  if (rawCount !== undefined) {
    // Number.isInteger also refuses NaN and ±Infinity, as z.number() does; 1..10 is safe.
    if (typeof rawCount !== 'number' || !Number.isInteger(rawCount) || rawCount < 1 || rawCount > 10) return undefined;
    count = rawCount;
  }

  const formats = value.formats;
  if (formats === undefined) {
    return 'formats' in value ? { divName, placementKey, count, formats: undefined } : { divName, placementKey, count };
  }
  if (!Array.isArray(formats) || formats.length < 1 || formats.length > 2) return undefined;
  const first: unknown = formats[0];
  if (!isAdFormat(first)) return undefined;
  if (formats.length === 1) return { divName, placementKey, count, formats: [first] };
  const second: unknown = formats[1];
  // The schema does not ask for distinct formats, so ['native', 'native'] passes.
  if (!isAdFormat(second)) return undefined;
  return { divName, placementKey, count, formats: [first, second] };
}

function checkKeywords(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 50) return undefined;
  const keywords = new Array<string>(value.length);
  for (let i = 0; i < value.length; i++) {
    const raw: unknown = value[i];
    if (typeof raw !== 'string') return undefined;
    // zod's order: trim, lower-case, then measure the result (lower-casing can change the length).
    const keyword = raw.trim().toLowerCase();
    if (keyword.length < 1 || keyword.length > 100) return undefined;
    keywords[i] = keyword;
  }
  return keywords;
}

// zod's min and max count code points. 1..max UTF-16 units is always 1..max code points; a
// longer string that would still fit in code points is left to zod.
function isShortText(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 100;
}

function isTextUpTo(value: unknown, maxLength: number): value is string {
  return typeof value === 'string' && value.length <= maxLength;
}

function isAdFormat(value: unknown): value is AdFormat {
  return value === 'native' || value === 'banner';
}

function isCountryCode(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 2) return false;
  const first = value.charCodeAt(0);
  const second = value.charCodeAt(1);
  return first >= 65 && first <= 90 && second >= 65 && second <= 90;
}
