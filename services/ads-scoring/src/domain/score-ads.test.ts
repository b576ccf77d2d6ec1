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
  assert.ok(gaps.every((gap) => gap >= 0), `high never ranks below low: ${gaps}`);
  assert.ok(gaps[4]! > 0 && gaps.every((gap, index) => index === 0 || gap > gaps[index - 1]!), `the gap widens with evidence: ${gaps}`);
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
