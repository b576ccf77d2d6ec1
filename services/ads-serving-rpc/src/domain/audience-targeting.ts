/** A campaign's audience targeting, compiled for lookups; null means "anyone". */
export interface AudienceTargeting {
  countries: ReadonlySet<string> | null;
  devices: ReadonlySet<string> | null;
  keywords: ReadonlySet<string> | null;
}

/** What a decision request says about its audience. */
export interface Audience {
  country: string | undefined;
  device: string | undefined;
  /** Lower-cased, distinct. */
  keywords: readonly string[];
}

export function compileAudienceTargeting(targeting: {
  countries: readonly string[];
  devices: readonly string[];
  keywords: readonly string[];
}): AudienceTargeting {
  return {
    countries: targeting.countries.length > 0 ? new Set(targeting.countries) : null,
    devices: targeting.devices.length > 0 ? new Set(targeting.devices) : null,
    keywords: targeting.keywords.length > 0 ? new Set(targeting.keywords.map((keyword) => keyword.toLowerCase())) : null,
  };
}

/**
 * Country, device and keyword targeting. A request that does not say its country (or device)
 * matches only campaigns that do not target one: a targeted advertiser pays for that audience.
 */
export function audienceMatches(targeting: AudienceTargeting, audience: Audience): boolean {
  if (targeting.countries !== null && (audience.country === undefined || !targeting.countries.has(audience.country))) return false;
  if (targeting.devices !== null && (audience.device === undefined || !targeting.devices.has(audience.device))) return false;
  if (targeting.keywords !== null && sharedKeywords(targeting.keywords, audience.keywords) === 0) return false;
  return true;
}

/** How many of the request's keywords the campaign targets. */
export function sharedKeywords(targeted: ReadonlySet<string>, keywords: readonly string[]): number {
  let shared = 0;
  for (const keyword of keywords) if (targeted.has(keyword)) shared += 1;
  return shared;
}
