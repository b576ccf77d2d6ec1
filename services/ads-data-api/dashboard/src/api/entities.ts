// The REST API's entities as the dashboard reads them. They follow the zod contracts in
// libs/ads-client/src/contracts/inventory.ts; they are restated here as plain types because
// the browser bundle must not pull in that package (it also carries Node-only code).
// Money: budgets and bids in cents, spend in micros.

export type Role = 'admin' | 'advertiser' | 'service' | 'importer';

/** `GET /me`. */
export interface Principal {
  keyId: string;
  role: Role;
  advertiserId: string | null;
}

export interface Advertiser {
  id: string;
  name: string;
  externalId: string | null;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
}

export type CampaignStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface Targeting {
  countries: string[];
  devices: string[];
  keywords: string[];
  siteIds: string[];
  categories: string[];
  hours: number[];
  weekdays: number[];
  /** Key-value targeting: an expression over the page's properties; null or absent: none. */
  properties?: string | null;
}

export interface Campaign {
  id: string;
  advertiserId: string;
  externalId: string | null;
  name: string;
  status: CampaignStatus;
  flightStart: string;
  flightEnd: string;
  timeZone: string;
  totalBudget: number;
  dailyBudget: number | null;
  pacing: 'even' | 'asap';
  priority: 'sponsorship' | 'standard' | 'house';
  bidType: 'CPM' | 'CPC';
  bidAmount: number;
  frequencyCap: { count: number; windowSeconds: number } | null;
  targeting: Targeting;
  exclusionLabel: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Ad {
  id: string;
  campaignId: string;
  advertiserId: string;
  externalId: string | null;
  format: 'native' | 'banner';
  title: string;
  body: string;
  imageUrl: string | null;
  clickUrl: string;
  width: number | null;
  height: number | null;
  status: 'active' | 'paused' | 'archived';
  reviewState: 'pending' | 'approved' | 'rejected';
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Site {
  id: string;
  name: string;
  domain: string;
  category: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface Placement {
  id: string;
  siteId: string;
  key: string;
  name: string;
  allowedFormats: Array<'native' | 'banner'>;
  category: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface FeatureSwitch {
  id: string;
  name: string;
  enabled: boolean;
  percentage: number;
  scope: 'global' | 'placement' | 'advertiser';
  scopeId: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  advertiserId: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface ImportRowError {
  line: number;
  field: string;
  message: string;
}

export interface ImportRun {
  id: string;
  source: string;
  format: 'csv' | 'json';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'partially_succeeded';
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors?: ImportRowError[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** One bucket of `GET /reports/campaigns/:id`. */
export interface ReportPoint {
  bucket: string;
  impressions: number;
  viewableImpressions: number;
  clicks: number;
  spendMicros: number | string;
  ctr?: number;
}

/** The series of one ad, campaign, placement or site of a report broken down with `groupBy`. */
export interface ReportGroup {
  level: ReportGroupBy;
  /** `unattributed` for events served on no known placement (placement and site breakdowns). */
  id: string;
  name: string;
  points: ReportPoint[];
  totals: Omit<ReportPoint, 'bucket'>;
}

/** What a report can be broken down by. */
export type ReportGroupBy = 'ad' | 'campaign' | 'placement' | 'site';

export interface Report {
  points: ReportPoint[];
  totals: Omit<ReportPoint, 'bucket'>;
  groupBy?: ReportGroupBy;
  groups?: ReportGroup[];
  /** Where the figures were read (they equal the database's either way). */
  source?: 'cache' | 'database' | 'mixed';
  /** When the newest roll-up the figures include was applied; null: no stats in the range. */
  asOf?: string | null;
}

export type DeliveryLevel = 'advertiser' | 'campaign' | 'ad' | 'site' | 'placement';

/** Impressions, clicks, CTR and spend (micros) of one period. */
export interface DeliveryFigures {
  impressions: number;
  clicks: number;
  ctr: number;
  spendMicros: number;
}

/** One row of `GET /delivery`: since it began, and on its current day (`today.day`, YYYY-MM-DD in `today.timeZone`). */
export interface DeliveryRow extends DeliveryFigures {
  id: string;
  today: DeliveryFigures & { day: string; timeZone: string };
}
