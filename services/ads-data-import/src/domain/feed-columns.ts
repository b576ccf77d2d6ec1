// The flat columns of an advertiser feed (CSV header, or keys of a flat JSON row) and where
// each lands in the `feedUpsertRow` contract. One row = one ad inside its campaign inside its
// advertiser; rows sharing an external id describe the same advertiser or campaign.

/** How a cell is read: text as is, a whole number, or a list separated by "|". */
export type FeedColumnKind = 'text' | 'nullableText' | 'integer' | 'nullableInteger' | 'textList' | 'integerList';

export interface FeedColumn {
  name: string;
  /** Path inside the nested row: `['campaign', 'bidAmount']`. */
  path: readonly string[];
  kind: FeedColumnKind;
  required: boolean;
  /** One line for the README and for error messages. */
  description: string;
}

const column = (name: string, path: string[], kind: FeedColumnKind, required: boolean, description: string): FeedColumn => ({
  name,
  path,
  kind,
  required,
  description,
});

/** Every column a feed may have, in the order of the example feed. */
export const FEED_COLUMNS: readonly FeedColumn[] = [
  column('advertiser_external_id', ['advertiser', 'externalId'], 'text', true, "the advertiser's id in the feed owner's system"),
  column('advertiser_name', ['advertiser', 'name'], 'text', true, 'display name of the advertiser'),
  column('campaign_external_id', ['campaign', 'externalId'], 'text', true, "the campaign's id, unique within its advertiser"),
  column('campaign_name', ['campaign', 'name'], 'text', true, 'display name of the campaign'),
  column('flight_start', ['campaign', 'flightStart'], 'text', true, 'ISO 8601 date-time with offset, e.g. 2026-01-01T00:00:00Z'),
  column('flight_end', ['campaign', 'flightEnd'], 'text', true, 'ISO 8601 date-time with offset, after flight_start'),
  column('time_zone', ['campaign', 'timeZone'], 'text', false, 'IANA time zone for day budgets and hour targeting (default UTC)'),
  column('total_budget', ['campaign', 'totalBudget'], 'integer', true, 'lifetime budget in minor units (cents)'),
  column('daily_budget', ['campaign', 'dailyBudget'], 'integer', true, 'daily budget in minor units (cents)'),
  column('pacing', ['campaign', 'pacing'], 'text', false, 'even (default) or asap'),
  column('priority', ['campaign', 'priority'], 'text', false, 'sponsorship, standard (default) or house'),
  column('bid_type', ['campaign', 'bidType'], 'text', false, 'CPM (default) or CPC'),
  column(
    'bid_amount',
    ['campaign', 'bidAmount'],
    'integer',
    true,
    'bid in minor units (cents): per 1,000 impressions for CPM, per click for CPC',
  ),
  column(
    'frequency_cap_count',
    ['campaign', 'frequencyCap', 'count'],
    'integer',
    false,
    'impressions per user within the window (with frequency_cap_window_seconds)',
  ),
  column(
    'frequency_cap_window_seconds',
    ['campaign', 'frequencyCap', 'windowSeconds'],
    'integer',
    false,
    'frequency cap window in seconds (60 to 2,592,000)',
  ),
  column(
    'target_countries',
    ['campaign', 'targeting', 'countries'],
    'textList',
    false,
    'ISO country codes separated by "|", e.g. US|CA; empty = everywhere',
  ),
  column('target_devices', ['campaign', 'targeting', 'devices'], 'textList', false, 'desktop|mobile|tablet; empty = all'),
  column('target_keywords', ['campaign', 'targeting', 'keywords'], 'textList', false, 'keywords separated by "|"'),
  column('target_site_ids', ['campaign', 'targeting', 'siteIds'], 'textList', false, 'site ids separated by "|"'),
  column('target_categories', ['campaign', 'targeting', 'categories'], 'textList', false, 'site categories separated by "|"'),
  column(
    'target_hours',
    ['campaign', 'targeting', 'hours'],
    'integerList',
    false,
    'hours 0-23 in the campaign time zone, separated by "|"',
  ),
  column('target_weekdays', ['campaign', 'targeting', 'weekdays'], 'integerList', false, 'days 0-6 (0 = Sunday) separated by "|"'),
  column('exclusion_label', ['campaign', 'exclusionLabel'], 'nullableText', false, 'competitive exclusion label'),
  column('ad_external_id', ['ad', 'externalId'], 'text', true, "the ad's id, unique within its campaign"),
  column('ad_format', ['ad', 'format'], 'text', false, 'native (default) or banner'),
  column('ad_title', ['ad', 'title'], 'text', true, 'headline, up to 200 characters'),
  column('ad_body', ['ad', 'body'], 'text', false, 'body text, up to 2,000 characters'),
  column('ad_image_url', ['ad', 'imageUrl'], 'nullableText', false, 'http(s) URL of the image'),
  column('ad_click_url', ['ad', 'clickUrl'], 'text', true, 'http(s) landing page URL'),
  column('ad_width', ['ad', 'width'], 'nullableInteger', false, 'pixels; required for banners'),
  column('ad_height', ['ad', 'height'], 'nullableInteger', false, 'pixels; required for banners'),
];

export const FEED_COLUMNS_BY_NAME: ReadonlyMap<string, FeedColumn> = new Map(FEED_COLUMNS.map((entry) => [entry.name, entry]));

/** Separator of list cells; "|" because "," and ";" already mean something in CSV and in text. */
export const FEED_LIST_SEPARATOR = '|';

const columnByPath = new Map(FEED_COLUMNS.map((entry) => [entry.path.join('.'), entry.name]));

/**
 * The column a contract path belongs to: `['campaign', 'targeting', 'hours', 2]` → `target_hours`.
 * Paths without a column (a whole object) keep their dotted form.
 */
export function columnOfPath(path: readonly (string | number)[]): string {
  for (let length = path.length; length > 0; length -= 1) {
    const name = columnByPath.get(path.slice(0, length).join('.'));
    if (name !== undefined) return name;
  }
  if (path.join('.') === 'campaign.frequencyCap') return 'frequency_cap_count';
  if (path.join('.') === 'campaign.targeting') return 'target_countries';
  return path.length === 0 ? '(row)' : path.join('.');
}
