import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreAds } from './score-ads';
import type { ScoringInput } from './score-ads';
import { rankValue } from './score-movers';

const settings = { priorStrength: 1000, defaultCtr: 0.01 };
const campaign = { id: 'c1', bidType: 'CPC' as const, bidAmount: 50, adIds: ['high', 'low', 'new'] };

function input(impressionsEach: number): ScoringInput {
  const high = { impressions: impressionsEach, clicks: Math.round(impressionsEach * 0.05) };
  const low = { impressions: impressionsEach, clicks: Math.round(impressionsEach * 0.005) };
  return {
    campaigns: [campaign],
    adEvidence: new Map([
      ['high', high],
      ['low', low],
    ]),
    campaignEvidence: new Map([['c1', { impressions: high.impressions + low.impressions, clicks: high.clicks + low.clicks }]]),
    pacingFactors: new Map(),
    settings,
  };
}

test('a high-CTR ad ranks above a low-CTR one once evidence accumulates', () => {
  const gaps: number[] = [];
  for (const impressions of [20, 200, 2_000, 20_000, 200_000]) {
    const { scores } = scoreAds(input(impressions));
    gaps.push(rankValue(scores.get('high')!) - rankValue(scores.get('low')!));
  }
  assert.ok(
    gaps.every((gap) => gap >= 0),
    `high never ranks below low: ${gaps.join(', ')}`,
  );
  assert.ok(
    gaps[4]! > 0 && gaps.every((gap, index) => index === 0 || gap > gaps[index - 1]!),
    `the gap widens with evidence: ${gaps.join(', ')}`,
  );
  const { scores } = scoreAds(input(200_000));
  assert.ok(Math.abs(scores.get('high')!.pCtr - 0.05) < 0.002, 'with much evidence pCTR approaches the observed CTR');
  assert.ok(Math.abs(scores.get('low')!.pCtr - 0.005) < 0.002);
});

test('little evidence is not enough to call a winner', () => {
  const { scores } = scoreAds(input(20));
  const high = scores.get('high')!.pCtr;
  const low = scores.get('low')!.pCtr;
  // One click in 20 impressions would be a 5% CTR; the prior keeps both near the campaign's.
  assert.ok(high - low < 0.002, `${high} vs ${low}`);
});

test('a new ad with no data gets the prior: not 0, not the best', () => {
  const { scores } = scoreAds(input(20_000));
  const fresh = scores.get('new')!;
  assert.ok(fresh.pCtr > 0);
  assert.ok(fresh.pCtr < scores.get('high')!.pCtr && fresh.pCtr > scores.get('low')!.pCtr);
  // Its prior is the campaign's smoothed CTR: (clicks + global prior) / (impressions + strength).
  assert.ok(Math.abs(fresh.pCtr - 0.0275) < 0.001, `${fresh.pCtr}`);
  assert.ok(fresh.eCpmMicros > 0);
});

test('CPM ads rank by bid and carry the pacing factor; defaults describe the version', () => {
  const outcome = scoreAds({
    campaigns: [{ id: 'cpm', bidType: 'CPM', bidAmount: 300, adIds: ['a'] }],
    adEvidence: new Map(),
    campaignEvidence: new Map(),
    pacingFactors: new Map([['cpm', 1.5]]),
    settings,
  });
  assert.deepEqual(outcome.scores.get('a'), { pCtr: 0.01, eCpmMicros: 3_000_000, pacingFactor: 1.5 });
  assert.deepEqual(outcome.defaults, { pCtr: 0.01, eCpmMicros: 3_000_000, pacingFactor: 1 });
  assert.equal(outcome.adsWithEvidence, 0);
});

test("an ad's own clicks are not counted again in the prior it is smoothed toward", () => {
  // A single-ad campaign, 5 clicks in 100 impressions, on a platform that clicks at 0.5%.
  const outcome = scoreAds({
    campaigns: [
      { id: 'solo', bidType: 'CPC', bidAmount: 50, adIds: ['solo-ad'] },
      { id: 'big', bidType: 'CPC', bidAmount: 50, adIds: ['big-ad'] },
    ],
    adEvidence: new Map([
      ['solo-ad', { impressions: 100, clicks: 5 }],
      ['big-ad', { impressions: 1_000_000, clicks: 5_000 }],
    ]),
    campaignEvidence: new Map([
      ['solo', { impressions: 100, clicks: 5 }],
      ['big', { impressions: 1_000_000, clicks: 5_000 }],
    ]),
    pacingFactors: new Map(),
    settings: { priorStrength: 1000, defaultCtr: 0.005 },
  });
  // Nothing of the campaign is left without the ad, so its prior is the platform's 0.5%:
  // (5 + 0.005 × 1000) / (100 + 1000) ≈ 0.91%, not 1.28% (the ad's clicks in the prior too).
  const pCtr = outcome.scores.get('solo-ad')!.pCtr;
  assert.ok(Math.abs(pCtr - 10 / 1100) < 0.0001, `${pCtr}`);
});

test("in a campaign of two ads, each is smoothed toward the other's evidence", () => {
  const settings = { priorStrength: 1000, defaultCtr: 0.01 };
  const outcome = scoreAds({
    campaigns: [{ id: 'c', bidType: 'CPC', bidAmount: 50, adIds: ['a', 'b'] }],
    adEvidence: new Map([
      ['a', { impressions: 1000, clicks: 50 }],
      ['b', { impressions: 1000, clicks: 10 }],
    ]),
    campaignEvidence: new Map([['c', { impressions: 2000, clicks: 60 }]]),
    pacingFactors: new Map(),
    settings,
  });
  // a's prior: b's evidence (10 in 1000) shrunk toward the platform's (60 in 2000, default 1%).
  const platform = (60 + 0.01 * 1000) / (2000 + 1000);
  const priorOfA = (10 + platform * 1000) / (1000 + 1000);
  const expected = (50 + priorOfA * 1000) / (1000 + 1000);
  assert.ok(Math.abs(outcome.scores.get('a')!.pCtr - expected) < 1e-12, `${outcome.scores.get('a')!.pCtr} vs ${expected}`);
});
