import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KILL_SWITCHES } from '@ads/ads-client';
import { selectAds, type SelectionOptions, type SelectionRequest } from './ad-selection';
import { refreshCampaignLiveness } from './campaign-liveness';
import { applyScores, rebuildCandidateGroups, type IndexedCampaign } from './decision-index';
import { seededRng } from './rng';
import { fixtureCampaign, fixtureIndex } from '../../tests/support/serving-index-fixture';
import { chiSquare } from '../../tests/support/chi-square';
import { liveIndex } from '../../tests/support/live-index';
import { ZoneClock } from './zone-clock';

const request = (overrides: Partial<SelectionRequest> = {}): SelectionRequest => ({
  placements: [{ divName: 'top', placementKey: 'home-top', count: 1 }],
  userKey: 'user-0001',
  consent: true,
  newUser: false,
  country: 'US',
  device: 'desktop',
  keywords: [],
  ...overrides,
});
const options = (overrides: Partial<SelectionOptions> = {}): SelectionOptions => ({
  rng: seededRng(7),
  explorationRate: 0.1,
  frequencyCount: () => 0,
  nowMs: 0,
  ...overrides,
});
const chosenIds = (selection: ReturnType<typeof selectAds>, slot = 0) => selection.slots[slot]!.ads.map((ad) => ad.id);

test('priority tiers: sponsorship first, then standard, house only when nothing else is eligible', () => {
  const index = liveIndex(
    fixtureIndex({
      campaigns: [
        fixtureCampaign({ id: 'house', priority: 'house', bidAmount: 0 }),
        fixtureCampaign({ id: 'standard', priority: 'standard', bidAmount: 10_000 }),
        fixtureCampaign({ id: 'sponsor', priority: 'sponsorship', bidAmount: 1, targeting: { countries: ['US'] } }),
      ],
    }),
  );
  for (let seed = 0; seed < 50; seed += 1) {
    assert.deepEqual(chosenIds(selectAds(index, request(), options({ rng: seededRng(seed) }))), ['sponsor-ad']);
  }
  assert.deepEqual(chosenIds(selectAds(index, request({ country: 'FR' }), options())), ['standard-ad'], 'sponsor targets the US only');
  assert.deepEqual(
    chosenIds(selectAds(index, request({ placements: [{ divName: 'top', placementKey: 'home-top', count: 3 }] }), options())),
    ['sponsor-ad', 'standard-ad', 'house-ad'],
  );
});

test('competitive exclusion: never two ads of one advertiser or one exclusion label in a response', () => {
  const index = liveIndex(
    fixtureIndex({
      campaigns: [
        fixtureCampaign({ id: 'a1', advertiserId: 'acme', ads: [{ id: 'a1-x' }, { id: 'a1-y' }] }),
        fixtureCampaign({ id: 'a2', advertiserId: 'acme' }),
        fixtureCampaign({ id: 'cola-1', advertiserId: 'red-cola', exclusionLabel: 'soda' }),
        fixtureCampaign({ id: 'cola-2', advertiserId: 'blue-cola', exclusionLabel: 'soda' }),
      ],
      placements: [{ key: 'home-top' }, { key: 'sidebar' }],
    }),
  );
  for (let seed = 0; seed < 50; seed += 1) {
    const selection = selectAds(
      index,
      request({
        placements: [
          { divName: 'top', placementKey: 'home-top', count: 3 },
          { divName: 'side', placementKey: 'sidebar', count: 3 },
        ],
      }),
      options({ rng: seededRng(seed) }),
    );
    const ads = selection.slots.flatMap((slot) => slot.ads);
    assert.equal(ads.length, 2, 'one acme ad and one soda ad across both placements');
    assert.equal(new Set(ads.map((ad) => ad.campaign.advertiserId)).size, 2);
    assert.equal(ads.filter((ad) => ad.campaign.exclusionLabel === 'soda').length, 1);
  }
});

test('serving.competitive_exclusion switched off: exclusion labels no longer keep campaigns apart, advertisers still do', () => {
  const index = liveIndex(
    fixtureIndex({
      campaigns: [
        fixtureCampaign({ id: 'cola-1', advertiserId: 'red-cola', exclusionLabel: 'soda' }),
        fixtureCampaign({ id: 'cola-2', advertiserId: 'blue-cola', exclusionLabel: 'soda' }),
        fixtureCampaign({ id: 'cola-3', advertiserId: 'blue-cola', exclusionLabel: 'soda' }),
      ],
      featureSwitches: [{ name: KILL_SWITCHES.competitiveExclusion, enabled: false, percentage: 100, scope: 'global', scopeId: null }],
    }),
  );
  const selection = selectAds(index, request({ placements: [{ divName: 'top', placementKey: 'home-top', count: 3 }] }), options());
  const ads = selection.slots[0]!.ads;
  assert.equal(ads.length, 2, 'both soda advertisers, one ad each');
  assert.equal(new Set(ads.map((ad) => ad.campaign.advertiserId)).size, 2);
});

test('frequency caps: reached, no consent, new user; switched off by serving.frequency_caps', () => {
  const index = liveIndex(
    fixtureIndex({ campaigns: [fixtureCampaign({ id: 'capped', frequencyCap: { count: 2, windowSeconds: 3600 } })] }),
  );
  assert.deepEqual(chosenIds(selectAds(index, request(), options({ frequencyCount: () => 1 }))), ['capped-ad']);
  assert.deepEqual(chosenIds(selectAds(index, request(), options({ frequencyCount: () => 2 }))), [], 'cap reached');
  assert.deepEqual(chosenIds(selectAds(index, request({ consent: false }), options())), [], 'no state may be kept without consent');
  let asked = false;
  const fresh = selectAds(index, request({ newUser: true }), options({ frequencyCount: () => ((asked = true), 5) }));
  assert.deepEqual(chosenIds(fresh), ['capped-ad'], 'a user key generated now has no impressions');
  assert.equal(asked, false);
  const switchedOff = (scope: 'global' | 'advertiser' | 'placement', scopeId: string | null) =>
    liveIndex(
      fixtureIndex({
        campaigns: [fixtureCampaign({ id: 'capped', frequencyCap: { count: 2, windowSeconds: 3600 } })],
        featureSwitches: [{ name: KILL_SWITCHES.frequencyCaps, enabled: false, percentage: 100, scope, scopeId }],
      }),
    );
  for (const [scope, scopeId] of [
    ['global', null],
    ['advertiser', 'adv-capped'],
    ['placement', 'home-top'],
  ] as const) {
    const selection = selectAds(switchedOff(scope, scopeId), request(), options({ frequencyCount: () => 99 }));
    assert.deepEqual(chosenIds(selection), ['capped-ad'], `caps switched off (${scope}): the count does not matter`);
  }
  assert.deepEqual(
    chosenIds(selectAds(switchedOff('advertiser', 'someone-else'), request(), options({ frequencyCount: () => 99 }))),
    [],
    'another advertiser switched off',
  );
});

test('campaigns refused a spend lease sit out until the retry time; excluded campaigns sit out', () => {
  const index = liveIndex(fixtureIndex({ campaigns: [fixtureCampaign({ id: 'leased' })] }));
  index.campaignsById.get('leased')!.budgetHeldUntilMs = 2_000;
  assert.deepEqual(chosenIds(selectAds(index, request(), options({ nowMs: 1_000 }))), []);
  assert.deepEqual(chosenIds(selectAds(index, request(), options({ nowMs: 2_000 }))), ['leased-ad']);
  assert.deepEqual(chosenIds(selectAds(index, request(), options({ nowMs: 2_000, excludedCampaigns: ['leased'] }))), []);
});

test('flights, day-parting in the campaign time zone and pacing decide liveness', () => {
  const source = fixtureIndex({
    campaigns: [
      fixtureCampaign({ id: 'future', flightStart: '2026-04-01T00:00:00Z' }),
      fixtureCampaign({ id: 'ny-mornings', timeZone: 'America/New_York', targeting: { hours: [9, 10, 11] } }),
      fixtureCampaign({ id: 'spent', totalBudget: 100, spentMicros: 600_000, liveSpendBaselineMicros: 0 }),
      fixtureCampaign({ id: 'daily', dailyBudget: 50 }),
    ],
  });
  const at = Date.parse('2026-03-02T14:30:00Z'); // 09:30 in New York
  const spend = (campaign: IndexedCampaign) =>
    campaign.id === 'spent'
      ? { totalSpentMicros: campaign.spentMicros + 400_000, todaySpentMicros: 400_000 }
      : campaign.id === 'daily'
        ? { totalSpentMicros: 500_000, todaySpentMicros: 500_000 }
        : { totalSpentMicros: 0, todaySpentMicros: 0 };
  const index = liveIndex(source, at, spend);
  const live = Object.fromEntries(index.campaigns.map((campaign) => [campaign.id, campaign.blockedBy]));
  assert.deepEqual(live, {
    future: 'outside its flight',
    'ny-mornings': null,
    spent: 'total-budget-spent',
    daily: 'daily-budget-spent',
  });
  assert.deepEqual(chosenIds(selectAds(index, request(), options())), ['ny-mornings-ad']);
  refreshCampaignLiveness(index, spend, new ZoneClock(), Date.parse('2026-03-02T17:30:00Z'));
  rebuildCandidateGroups(index);
  assert.deepEqual(chosenIds(selectAds(index, request(), options())), [], '12:30 in New York');
});

test('kill switches: global, placement and advertiser, and a sticky percentage roll-out', () => {
  const campaigns = [fixtureCampaign({ id: 'c1', advertiserId: 'acme' }), fixtureCampaign({ id: 'c2', advertiserId: 'globex' })];
  const switchOf = (scope: 'global' | 'placement' | 'advertiser', scopeId: string | null, enabled: boolean, percentage = 100) => ({
    name: KILL_SWITCHES.serving,
    enabled,
    percentage,
    scope,
    scopeId,
  });
  const globalOff = liveIndex(fixtureIndex({ campaigns, featureSwitches: [switchOf('global', null, false)] }));
  assert.deepEqual(chosenIds(selectAds(globalOff, request(), options())), []);
  const placementOff = liveIndex(fixtureIndex({ campaigns, featureSwitches: [switchOf('placement', 'home-top', false)] }));
  assert.deepEqual(chosenIds(selectAds(placementOff, request(), options())), []);
  const acmeOff = liveIndex(
    fixtureIndex({
      campaigns,
      featureSwitches: [switchOf('advertiser', 'acme', false), { ...switchOf('global', null, false), name: 'other.switch' }],
    }),
  );
  for (let seed = 0; seed < 20; seed += 1) {
    assert.deepEqual(chosenIds(selectAds(acmeOff, request(), options({ rng: seededRng(seed) }))), ['c2-ad']);
  }
  const half = liveIndex(fixtureIndex({ campaigns, featureSwitches: [switchOf('global', null, true, 50)] }));
  let served = 0;
  for (let user = 0; user < 1000; user += 1) {
    const userKey = `user-${String(user).padStart(6, '0')}`;
    const first = chosenIds(selectAds(half, request({ userKey }), options())).length;
    const again = chosenIds(selectAds(half, request({ userKey }), options({ rng: seededRng(user) }))).length;
    assert.equal(first, again, 'the same user key stays in or out');
    served += first;
  }
  assert.ok(served > 420 && served < 580, `about half the users are served, got ${served}`);
});

test("formats: the request narrows the placement's formats", () => {
  const index = liveIndex(
    fixtureIndex({
      campaigns: [
        fixtureCampaign({ id: 'n', ads: [{ id: 'native-ad', format: 'native' }] }),
        fixtureCampaign({ id: 'b', ads: [{ id: 'banner-ad', format: 'banner', width: 300, height: 250 }] }),
      ],
    }),
  );
  for (let seed = 0; seed < 20; seed += 1) {
    const selection = selectAds(
      index,
      request({ placements: [{ divName: 'top', placementKey: 'home-top', count: 1, formats: ['banner'] }] }),
      options({ rng: seededRng(seed) }),
    );
    assert.deepEqual(chosenIds(selection), ['banner-ad']);
  }
  assert.deepEqual(
    chosenIds(selectAds(index, request({ placements: [{ divName: 'x', placementKey: 'unknown', count: 1 }] }), options())),
    [],
  );
});

// The lottery: each eligible ad is drawn with probability (1 - e) * w / W + e / N. Fixed seeds
// make the tests reproducible; the thresholds are chi-square critical values at p = 0.001.

test('lottery fairness with few candidates, all eligible (drawn on the first try)', () => {
  const bids = [100, 200, 300, 400, 1000];
  const index = liveIndex(fixtureIndex({ campaigns: bids.map((bidAmount, at) => fixtureCampaign({ id: `c${at}`, bidAmount })) }));
  const rng = seededRng(42);
  const counts = bids.map(() => 0);
  const draws = 20_000;
  for (let draw = 0; draw < draws; draw += 1) {
    const ad = selectAds(index, request(), options({ rng })).slots[0]!.ads[0]!;
    counts[Number(ad.campaign.id.slice(1))]! += 1;
  }
  const total = bids.reduce((sum, bid) => sum + bid, 0);
  const expected = bids.map((bid) => 0.9 * (bid / total) + 0.1 / bids.length);
  const statistic = chiSquare(counts, expected);
  assert.ok(statistic < 18.47, `chi-square ${statistic.toFixed(2)} with 4 degrees of freedom; counts ${counts.join(', ')}`);
});

test('lottery fairness on the exact scanning path: few candidates, most of them ineligible', () => {
  const bids = [100, 200, 300, 400, 1000];
  const campaigns = bids.map((bidAmount, at) => fixtureCampaign({ id: `c${at}`, bidAmount }));
  // 40 capped campaigns the user has reached, with most of the weight: draws nearly always
  // hit one of them, so nearly every decision ends in the scan.
  for (let at = 0; at < 40; at += 1)
    campaigns.push(fixtureCampaign({ id: `x${at}`, bidAmount: 5000, frequencyCap: { count: 1, windowSeconds: 3600 } }));
  const index = liveIndex(fixtureIndex({ campaigns }));
  const rng = seededRng(4321);
  const counts = bids.map(() => 0);
  const draws = 20_000;
  for (let draw = 0; draw < draws; draw += 1) {
    const ad = selectAds(index, request(), options({ rng, frequencyCount: () => 1 })).slots[0]!.ads[0]!;
    assert.equal(ad.campaign.frequencyCap, null);
    counts[Number(ad.campaign.id.slice(1))]! += 1;
  }
  const totalWeight = bids.reduce((sum, bid) => sum + bid, 0) + 40 * 5000;
  const chance = bids.map((bid) => 0.9 * (bid / totalWeight) + 0.1 / 45);
  const sum = chance.reduce((total, value) => total + value, 0);
  const statistic = chiSquare(
    counts,
    chance.map((value) => value / sum),
  );
  assert.ok(statistic < 18.47, `chi-square ${statistic.toFixed(2)} with 4 degrees of freedom; counts ${counts.join(', ')}`);
});

test('lottery fairness on the sampling path (many candidates), with ineligible ads rejected', () => {
  const bidClasses = [50, 100, 200, 400];
  const campaigns = [];
  for (let at = 0; at < 400; at += 1) {
    const bidClass = at % 4;
    // Every fifth campaign is capped and the user has reached its cap: rejected when drawn.
    campaigns.push(
      fixtureCampaign({
        id: `c${at}`,
        bidAmount: bidClasses[bidClass],
        frequencyCap: at % 5 === 0 ? { count: 1, windowSeconds: 3600 } : null,
      }),
    );
  }
  const index = liveIndex(fixtureIndex({ campaigns }));
  const rng = seededRng(1234);
  const counts = bidClasses.map(() => 0);
  for (let draw = 0; draw < 20_000; draw += 1) {
    const ad = selectAds(index, request(), options({ rng, frequencyCount: () => 1 })).slots[0]!.ads[0]!;
    assert.equal(ad.campaign.frequencyCap, null);
    counts[Number(ad.campaign.id.slice(1)) % 4]! += 1;
  }
  // 80 eligible ads per class; weights proportional to the bid; N and W count all 400.
  const totalWeight = 100 * bidClasses.reduce((sum, bid) => sum + bid, 0);
  const chance = bidClasses.map((bid) => 80 * (0.9 * (bid / totalWeight) + 0.1 / 400));
  const sum = chance.reduce((total, value) => total + value, 0);
  const statistic = chiSquare(
    counts,
    chance.map((value) => value / sum),
  );
  assert.ok(statistic < 16.27, `chi-square ${statistic.toFixed(2)} with 3 degrees of freedom; counts ${counts.join(', ')}`);
});

test("an ad targeting several of the request's keywords is not favoured", () => {
  const campaigns = [];
  for (let at = 0; at < 300; at += 1) {
    const keywords = [['shoes', 'running'], ['shoes'], ['running']][at % 3]!;
    campaigns.push(fixtureCampaign({ id: `c${at}`, targeting: { keywords } }));
  }
  const index = liveIndex(fixtureIndex({ campaigns }));
  const rng = seededRng(99);
  const counts = [0, 0, 0];
  for (let draw = 0; draw < 15_000; draw += 1) {
    const ad = selectAds(index, request({ keywords: ['shoes', 'running', 'sale'] }), options({ rng })).slots[0]!.ads[0]!;
    counts[Number(ad.campaign.id.slice(1)) % 3]! += 1;
  }
  const statistic = chiSquare(counts, [1 / 3, 1 / 3, 1 / 3]);
  assert.ok(statistic < 13.82, `chi-square ${statistic.toFixed(2)} with 2 degrees of freedom; counts ${counts.join(', ')}`);
});

test('scores move the lottery: a higher pCTR wins a CPC auction more often; zero-bid ads still explore', () => {
  const index = liveIndex(
    fixtureIndex({
      campaigns: [
        fixtureCampaign({ id: 'good', bidType: 'CPC', bidAmount: 50, ads: [{ id: 'good-ad' }] }),
        fixtureCampaign({ id: 'poor', bidType: 'CPC', bidAmount: 50, ads: [{ id: 'poor-ad' }] }),
        fixtureCampaign({ id: 'free', bidAmount: 0, ads: [{ id: 'free-ad' }] }),
      ],
    }),
  );
  applyScores(index, (adId) => ({ pCtr: adId === 'good-ad' ? 0.05 : 0.01, eCpmMicros: 0, pacingFactor: 1 }));
  rebuildCandidateGroups(index);
  const rng = seededRng(5);
  const counts: Record<string, number> = { 'good-ad': 0, 'poor-ad': 0, 'free-ad': 0 };
  for (let draw = 0; draw < 12_000; draw += 1) counts[selectAds(index, request(), options({ rng })).slots[0]!.ads[0]!.id]! += 1;
  const expected = [0.9 * (5 / 6) + 0.1 / 3, 0.9 * (1 / 6) + 0.1 / 3, 0.1 / 3];
  const statistic = chiSquare([counts['good-ad']!, counts['poor-ad']!, counts['free-ad']!], expected);
  assert.ok(statistic < 13.82, `chi-square ${statistic.toFixed(2)}; counts ${JSON.stringify(counts)}`);
});

test('the serving.house_ads switch turns the house tier off on one placement', () => {
  const index = liveIndex(
    fixtureIndex({
      campaigns: [fixtureCampaign({ id: 'house', priority: 'house', bidAmount: 0 })],
      placements: [{ key: 'sold-out', id: 'pl-sold' }, { key: 'home-top' }],
      featureSwitches: [{ name: 'serving.house_ads', enabled: false, percentage: 100, scope: 'placement', scopeId: 'pl-sold' }],
    }),
  );
  const selection = selectAds(
    index,
    request({
      placements: [
        { divName: 'a', placementKey: 'sold-out', count: 1 },
        { divName: 'b', placementKey: 'home-top', count: 1 },
      ],
    }),
    options(),
  );
  assert.deepEqual(chosenIds(selection, 0), []);
  assert.deepEqual(chosenIds(selection, 1), ['house-ad']);
});

test('key-value targeting: only slots whose properties match get the campaign; slot properties override the page', () => {
  const index = liveIndex(
    fixtureIndex({
      campaigns: [
        fixtureCampaign({ id: 'sports', priority: 'sponsorship', targeting: { properties: 'section = "sports" AND word_count >= 500' } }),
        fixtureCampaign({ id: 'nba', priority: 'sponsorship', targeting: { properties: 'article_tags IN ("nba", "nfl")' } }),
        fixtureCampaign({ id: 'guests', priority: 'sponsorship', targeting: { properties: 'NOT logged_in' } }),
        fixtureCampaign({ id: 'house', priority: 'house', bidAmount: 0 }),
      ],
      placements: [{ key: 'home-top' }, { key: 'sidebar' }],
    }),
  );
  const campaignsFor = (page: SelectionRequest['properties'], slot?: SelectionRequest['properties']) => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed += 1) {
      const selection = selectAds(
        index,
        request({ properties: page, placements: [{ divName: 'top', placementKey: 'home-top', count: 3, properties: slot }] }),
        options({ rng: seededRng(seed) }),
      );
      for (const ad of selection.slots[0]!.ads) seen.add(ad.campaign.id);
    }
    return [...seen].sort();
  };
  assert.deepEqual(campaignsFor({ section: 'sports', word_count: 800, logged_in: true }), ['house', 'sports']);
  assert.deepEqual(campaignsFor({ section: 'sports', word_count: 100, article_tags: ['mlb', 'nba'] }), ['guests', 'house', 'nba']);
  assert.deepEqual(campaignsFor({ section: 'sports', word_count: 800, logged_in: true }, { word_count: 10 }), ['house']);
  assert.deepEqual(campaignsFor(undefined, { section: 'sports', word_count: 500 }), ['guests', 'house', 'sports']);
  assert.deepEqual(campaignsFor(undefined), ['guests', 'house']);

  // Grouping: the NOT expression is always checked; the others sit only under their atoms.
  const candidates = index.placements.get('home-top')!.tiers[0]!.get('native')!;
  assert.deepEqual(
    [...candidates.open.members].map((ordinal) => index.ads[ordinal]!.campaign.id),
    ['guests'],
  );
  assert.deepEqual([...candidates.byProperty.keys()].sort(), ['article_tags', 'section']);
  assert.deepEqual([...candidates.byProperty.get('article_tags')!.values.keys()].sort(), ['nba', 'nfl']);
  assert.deepEqual(
    [...candidates.byProperty.get('section')!.values.get('sports')!.members].map((ordinal) => index.ads[ordinal]!.campaign.id),
    ['sports'],
  );
});
