import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrackingSigner, spendOfEvent, type TrackingClaims } from './tracking-url';

const signer = new TrackingSigner('a-test-secret-that-is-long-enough-000');
const now = Date.parse('2026-03-02T12:00:00Z');
const claims: TrackingClaims = {
  decisionId: 'dec-1',
  adId: 'ad 1/é',
  campaignId: 'camp-1',
  advertiserId: 'adv-1',
  placementKey: 'home-top',
  userKey: 'user-0001',
  impressionSpendMicros: 0,
  clickSpendMicros: 500_000,
  expiresAt: now / 1000 + 3600,
};
const queryOf = (url: string) => new URL(url).searchParams;

test('the three beacon URLs of an ad read back to its claims', () => {
  const urls = signer.urls('http://serve.test', claims);
  assert.ok(urls.impressionUrl.startsWith('http://serve.test/t/i?'));
  assert.ok(urls.viewableUrl.startsWith('http://serve.test/t/v?'));
  assert.ok(urls.clickUrl.startsWith('http://serve.test/t/c?'));
  for (const url of Object.values(urls)) assert.deepEqual(signer.read(queryOf(url), now), { ok: true, claims });
  assert.equal(spendOfEvent('click', claims), 500_000);
  assert.equal(spendOfEvent('viewable', claims), 0);
});

test('a changed claim or another key is refused as forged', () => {
  const { clickUrl } = signer.urls('http://serve.test', claims);
  for (const [param, value] of [['n', '5000000'], ['a', 'another-ad'], ['u', 'someone-else'], ['x', String(claims.expiresAt + 86_400)], ['s', 'A'.repeat(22)]] as const) {
    const tampered = queryOf(clickUrl);
    tampered.set(param, value);
    assert.deepEqual(signer.read(tampered, now), { ok: false, problem: { kind: 'forged' } }, `changing ${param}`);
  }
  assert.deepEqual(new TrackingSigner('another-secret-another-secret-0000').read(queryOf(clickUrl), now), { ok: false, problem: { kind: 'forged' } });
});

test('an expired URL is refused after checking its signature; missing or malformed fields are named', () => {
  const { impressionUrl } = signer.urls('http://serve.test', claims);
  const read = signer.read(queryOf(impressionUrl), (claims.expiresAt + 1) * 1000);
  assert.equal(!read.ok && read.problem.kind, 'expired');
  const missing = queryOf(impressionUrl);
  missing.delete('u');
  const problem = signer.read(missing, now);
  assert.equal(!problem.ok && problem.problem.kind === 'invalid' && problem.problem.field, 'userKey');
  const badNumber = queryOf(impressionUrl);
  badNumber.set('x', '12abc');
  const numberProblem = signer.read(badNumber, now);
  assert.equal(!numberProblem.ok && numberProblem.problem.kind === 'invalid' && numberProblem.problem.field, 'expiresAt');
});
