import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCtrPriors, smoothedCtr } from './ctr-smoothing';

test('with no impressions the smoothed CTR is the prior mean', () => {
  assert.equal(smoothedCtr({ impressions: 0, clicks: 0 }, { mean: 0.02, strength: 500 }), 0.02);
});

test('evidence pulls the smoothed CTR from the prior toward the observed CTR', () => {
  const prior = { mean: 0.01, strength: 1000 };
  // (50 + 10) / (1000 + 1000)
  assert.equal(smoothedCtr({ impressions: 1000, clicks: 50 }, prior), 0.03);
  const lots = smoothedCtr({ impressions: 1_000_000, clicks: 50_000 }, prior);
  assert.ok(Math.abs(lots - 0.05) < 0.001, `${lots} is close to the observed 5%`);
});

test('clicks above impressions are capped so the CTR stays a probability', () => {
  const ctr = smoothedCtr({ impressions: 10, clicks: 40 }, { mean: 0.5, strength: 1 });
  assert.ok(ctr <= 1);
});

test('a campaign prior leans on the platform when the campaign has little traffic', () => {
  const priors = buildCtrPriors({
    defaultCtr: 0.01,
    strength: 1000,
    campaigns: new Map([
      ['big', { impressions: 1_000_000, clicks: 20_000 }],
      ['tiny', { impressions: 10, clicks: 5 }],
    ]),
  });
  assert.ok(Math.abs(priors.global.mean - 0.02) < 0.001);
  const tiny = priors.forCampaign('tiny').mean;
  assert.ok(tiny > priors.global.mean && tiny < 0.03, `tiny campaign prior ${tiny} stays near the platform's`);
  assert.equal(priors.forCampaign('unknown'), priors.global);
});

test('with no traffic anywhere the priors are the configured default', () => {
  const priors = buildCtrPriors({ defaultCtr: 0.004, strength: 200, campaigns: new Map() });
  assert.equal(priors.global.mean, 0.004);
  assert.equal(priors.forCampaign('c1').mean, 0.004);
});
