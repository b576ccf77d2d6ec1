import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDecisionIndex } from '../domain/decision-index';
import { fixtureCampaign, fixtureIndex } from '../../tests/support/serving-index-fixture';
import { FrequencyCapCache } from './frequency-cap-cache';

const campaign = buildDecisionIndex(
  fixtureIndex({ campaigns: [fixtureCampaign({ id: 'capped', frequencyCap: { count: 2, windowSeconds: 3600 } })] }),
).campaigns[0]!;
const now = Date.parse('2026-03-02T12:00:00Z');

test('with Redis ready, an unknown count is left to the hold; what Redis answered is used while fresh', () => {
  const caps = new FrequencyCapCache({ freshMs: 5_000, maxEntries: 100 });
  assert.equal(caps.count('user-a', campaign, now, true), undefined);
  caps.remember('user-a', campaign.id, 2, now);
  assert.equal(caps.count('user-a', campaign, now, true), 2);
  assert.equal(caps.count('user-a', campaign, now + 10_000, true), undefined, 'stale: the next hold asks again');
});

test('a refused hold says when a place can free up: the user stays capped until then (a minute at most) without asking Redis', () => {
  const caps = new FrequencyCapCache({ freshMs: 5_000, maxEntries: 100 });
  caps.remember('full', campaign.id, 2, now, now + 30_000);
  assert.equal(caps.count('full', campaign, now + 20_000, true), 2, 'past the freshness, before the first place frees');
  assert.equal(caps.count('full', campaign, now + 30_000, true), undefined);
  caps.remember('long', campaign.id, 2, now, now + 3_600_000);
  assert.equal(caps.count('long', campaign, now + 59_000, true), 2);
  assert.equal(caps.count('long', campaign, now + 61_000, true), undefined);
});

test('with Redis away, known counts are used and a user known to nobody here counts as capped', () => {
  const caps = new FrequencyCapCache({ freshMs: 5_000, maxEntries: 100 });
  assert.equal(caps.count('stranger', campaign, now, false), Number.POSITIVE_INFINITY);
  caps.recordLocally('regular', campaign.id, now - 1_000);
  assert.equal(caps.count('regular', campaign, now, false), 1, 'this process took one place');
  caps.remember('known', campaign.id, 1, now - 60_000);
  caps.recordLocally('known', campaign.id, now - 1_000);
  assert.equal(caps.count('known', campaign, now, false), 2, 'stale counts still count while Redis is away');
  caps.recordLocally('old', campaign.id, now - 3_600_000 - 1);
  assert.equal(caps.count('old', campaign, now, false), 0, 'places older than the window do not count');
});

test('the cache is bounded: the least recently written entry goes first', () => {
  const caps = new FrequencyCapCache({ freshMs: 5_000, maxEntries: 2 });
  caps.remember('first', campaign.id, 1, now);
  caps.remember('second', campaign.id, 1, now);
  caps.remember('third', campaign.id, 1, now);
  assert.equal(caps.count('first', campaign, now, true), undefined);
  assert.equal(caps.count('third', campaign, now, true), 1);
});
