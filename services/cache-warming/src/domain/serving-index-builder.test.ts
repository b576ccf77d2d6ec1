import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newIndexVersionId } from './index-version';
import { ServingIndexBuilder } from './serving-index-builder';

const now = Date.parse('2026-03-02T12:00:00Z');
const targeting = {
  countries: [],
  devices: [],
  keywords: [],
  siteIds: [] as string[],
  categories: [] as string[],
  hours: [],
  weekdays: [],
};
const ad = (id: string, format: 'native' | 'banner' = 'native', status: 'active' | 'paused' = 'active') => ({
  id,
  format,
  title: id,
  body: '',
  imageUrl: null,
  clickUrl: `https://shop.test/${id}`,
  width: format === 'banner' ? 300 : null,
  height: format === 'banner' ? 250 : null,
  status,
});
const campaign = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  advertiserId: `adv-${id}`,
  name: id,
  flightStart: '2026-01-01T00:00:00Z',
  flightEnd: '2026-12-31T00:00:00Z',
  timeZone: 'UTC',
  totalBudget: 1000,
  dailyBudget: 100,
  spentMicros: 5,
  pacing: 'even' as const,
  priority: 'standard' as const,
  bidType: 'CPM' as const,
  bidAmount: 200,
  frequencyCap: null,
  targeting,
  exclusionLabel: null,
  ads: [ad(`${id}-a`)],
  ...overrides,
});
const placements = [
  { id: 'p-news', key: 'news-top', siteId: 'site-news', siteDomain: 'news.test', allowedFormats: ['native' as const], category: 'News' },
  {
    id: 'p-sport',
    key: 'sport-side',
    siteId: 'site-sport',
    siteDomain: 'sport.test',
    allowedFormats: ['native' as const, 'banner' as const],
    category: null,
  },
];

test('candidates per placement and tier follow format, site and category targeting', () => {
  const builder = new ServingIndexBuilder(now);
  builder.addPage(
    {
      asOf: '2026-03-02T11:59:00Z',
      placements,
      featureSwitches: [{ name: 'serving.enabled', enabled: true, percentage: 100, scope: 'global', scopeId: null }],
      nextCursor: 'c2',
      campaigns: [
        campaign('open', { ads: [ad('open-native'), ad('open-banner', 'banner')] }),
        campaign('news-only', { targeting: { ...targeting, categories: ['news'] }, priority: 'sponsorship' }),
        campaign('sport-site', { targeting: { ...targeting, siteIds: ['site-sport'] }, priority: 'house' }),
      ],
    },
    (id) => (id === 'open' ? 42 : 0),
  );
  builder.addPage(
    {
      asOf: '2026-03-02T11:59:00Z',
      nextCursor: null,
      campaigns: [campaign('late', { ads: [ad('late-a'), ad('late-b', 'native', 'paused')] })],
    },
    () => 0,
  );
  const parts = builder.finish('v1', '2026-03-02T12:00:01Z');
  // Ordinals: open-native 0, open-banner 1, news-only-a 2, sport-site-a 3, late-a 4.
  assert.deepEqual(
    parts.placements.map((placement) => [placement.key, placement.candidates]),
    [
      ['news-top', { sponsorship: [2], standard: [0, 4], house: [] }],
      ['sport-side', { sponsorship: [], standard: [0, 1, 4], house: [3] }],
    ],
  );
  assert.equal(parts.campaigns[0]!.liveSpendBaselineMicros, 42);
  assert.deepEqual(
    parts.campaigns[3]!.ads.map((entry) => entry.id),
    ['late-a'],
    'paused ads are left out',
  );
  assert.equal(parts.asOf, '2026-03-02T11:59:00Z');
  assert.equal(parts.featureSwitches.length, 1);
  assert.equal(builder.counts.skippedInactiveAds, 1);
});

test('ended campaigns, campaigns without servable ads and repeated campaigns are left out', () => {
  const builder = new ServingIndexBuilder(now);
  builder.addPage(
    {
      asOf: '2026-03-02T11:59:00Z',
      placements,
      featureSwitches: [],
      nextCursor: null,
      campaigns: [
        campaign('ended', { flightEnd: '2026-03-01T00:00:00Z' }),
        campaign('future', { flightStart: '2026-04-01T00:00:00Z' }),
        campaign('no-ads', { ads: [ad('x', 'native', 'paused')] }),
        campaign('future'),
      ],
    },
    () => 0,
  );
  const parts = builder.finish('v2', '2026-03-02T12:00:01Z');
  assert.deepEqual(
    parts.campaigns.map((entry) => entry.id),
    ['future'],
    'a campaign that starts later is kept so it starts on time',
  );
  assert.deepEqual(
    {
      ended: builder.counts.skippedEndedCampaigns,
      withoutAds: builder.counts.skippedCampaignsWithoutAds,
      duplicates: builder.counts.duplicateCampaigns,
    },
    { ended: 1, withoutAds: 1, duplicates: 1 },
  );
});

test('a snapshot without its first page cannot be finished; version ids sort by time', () => {
  assert.throws(() => new ServingIndexBuilder(now).finish('v', '2026-03-02T12:00:00Z'), /placements/);
  assert.ok(newIndexVersionId(now) < newIndexVersionId(now + 1000));
});
