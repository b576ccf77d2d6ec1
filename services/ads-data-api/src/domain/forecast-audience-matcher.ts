import { evaluatePropertyExpression, parsePropertyExpression, type OpportunitySample, type Targeting } from '@ads/ads-client';

/** Whether one sampled request matches a campaign's audience targeting. */
export type ForecastAudienceMatcher = (entry: OpportunitySample) => boolean;

/** Whether the targeting restricts the audience at all (countries, devices, keywords or properties). */
export function hasAudienceTargeting(targeting: Targeting): boolean {
  return (
    targeting.countries.length > 0 ||
    targeting.devices.length > 0 ||
    targeting.keywords.length > 0 ||
    (targeting.properties !== null && targeting.properties !== undefined)
  );
}

/**
 * A campaign's audience targeting over sampled requests, with serving's semantics
 * (ads-serving-rpc audience-targeting.ts and its property matcher): a request that does not say
 * its country (or device) matches only a campaign that does not target one; keywords match when
 * any is shared (lower-cased); the property expression must hold over the slot's properties. An
 * expression this version cannot parse matches nothing, as in serving.
 */
export function forecastAudienceMatcher(targeting: Targeting): ForecastAudienceMatcher {
  const countries = targeting.countries.length > 0 ? new Set(targeting.countries) : null;
  const devices = targeting.devices.length > 0 ? new Set<string>(targeting.devices) : null;
  const keywords = targeting.keywords.length > 0 ? new Set(targeting.keywords.map((keyword) => keyword.toLowerCase())) : null;
  const text = targeting.properties;
  const parsed = text === null || text === undefined ? null : parsePropertyExpression(text);
  if (parsed !== null && !parsed.ok) return () => false;
  const expression = parsed?.expression ?? null;
  return (entry) => {
    if (countries !== null && (entry.country === undefined || !countries.has(entry.country))) return false;
    if (devices !== null && (entry.device === undefined || !devices.has(entry.device))) return false;
    if (keywords !== null && !entry.keywords.some((keyword) => keywords.has(keyword))) return false;
    if (expression !== null && !evaluatePropertyExpression(expression, entry.properties ?? {})) return false;
    return true;
  };
}

/** A placement as targeting sees it: its site and its category (the site's when it has none). */
export interface ForecastPlacement {
  id: string;
  key: string;
  siteId: string;
  category: string | null;
}

/**
 * Whether a campaign's site and category targeting admits a placement, as cache-warming decides
 * a placement's candidates: the site among `siteIds`, and the placement's category (or its
 * site's) equal, ignoring case, to one of `categories`; an empty list admits all.
 */
export function admitsPlacement(targeting: Pick<Targeting, 'siteIds' | 'categories'>, placement: ForecastPlacement): boolean {
  if (targeting.siteIds.length > 0 && !targeting.siteIds.includes(placement.siteId)) return false;
  if (targeting.categories.length === 0) return true;
  const category = placement.category?.toLowerCase() ?? null;
  return category !== null && targeting.categories.some((wanted) => wanted.toLowerCase() === category);
}
