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
  assert.deepEqual(signer.read('impression', queryOf(urls.impressionUrl), now), { ok: true, claims });
  assert.deepEqual(signer.read('viewable', queryOf(urls.viewableUrl), now), { ok: true, claims });
  assert.deepEqual(signer.read('click', queryOf(urls.clickUrl), now), { ok: true, claims });
  assert.equal(spendOfEvent('click', claims), 500_000);
  assert.equal(spendOfEvent('viewable', claims), 0);
});

test('a changed claim, another event or another key is refused as forged', () => {
  const { clickUrl, impressionUrl, viewableUrl } = signer.urls('http://serve.test', claims);
  for (const [param, value] of [
    ['n', '5000000'],
    ['a', 'another-ad'],
    ['u', 'someone-else'],
    ['x', String(claims.expiresAt + 86_400)],
    ['s', 'A'.repeat(14)],
  ] as const) {
    const tampered = queryOf(clickUrl);
    tampered.set(param, value);
    assert.deepEqual(signer.read('click', tampered, now), { ok: false, problem: { kind: 'forged' } }, `changing ${param}`);
  }
  // The impression URL's query sent to the click beacon: its tag is not the click's.
  assert.deepEqual(signer.read('click', queryOf(impressionUrl), now), { ok: false, problem: { kind: 'forged' } });
  assert.deepEqual(signer.read('impression', queryOf(viewableUrl), now), { ok: false, problem: { kind: 'forged' } });
  assert.notEqual(queryOf(clickUrl).get('s'), queryOf(impressionUrl).get('s'));
  assert.deepEqual(new TrackingSigner('another-secret-another-secret-0000').read('click', queryOf(clickUrl), now), {
    ok: false,
    problem: { kind: 'forged' },
  });
});

test('an expired URL is refused after checking its signature; missing or malformed fields are named', () => {
  const { impressionUrl } = signer.urls('http://serve.test', claims);
  const read = signer.read('impression', queryOf(impressionUrl), (claims.expiresAt + 1) * 1000);
  assert.equal(!read.ok && read.problem.kind, 'expired');
  const missing = queryOf(impressionUrl);
  missing.delete('u');
  const problem = signer.read('impression', missing, now);
  assert.equal(!problem.ok && problem.problem.kind === 'invalid' && problem.problem.field, 'userKey');
  const badNumber = queryOf(impressionUrl);
  badNumber.set('x', '12abc');
  const numberProblem = signer.read('impression', badNumber, now);
  assert.equal(!numberProblem.ok && numberProblem.problem.kind === 'invalid' && numberProblem.problem.field, 'expiresAt');
});

test('after a rotation, URLs signed with the previous secret still count; new ones use the current secret', () => {
  const oldSecret = 'a-test-secret-that-is-long-enough-000';
  const rotated = new TrackingSigner('the-new-secret-after-the-rotation-111', oldSecret);
  const before = signer.urls('http://serve.test', claims);
  assert.deepEqual(rotated.read('click', queryOf(before.clickUrl), now), { ok: true, claims });
  assert.deepEqual(rotated.read('impression', queryOf(before.impressionUrl), now), { ok: true, claims });
  // The previous secret does not make another event's tag or an altered claim acceptable.
  assert.deepEqual(rotated.read('click', queryOf(before.impressionUrl), now), { ok: false, problem: { kind: 'forged' } });
  const tampered = queryOf(before.clickUrl);
  tampered.set('n', '9000000');
  assert.deepEqual(rotated.read('click', tampered, now), { ok: false, problem: { kind: 'forged' } });
  // What the rotated signer signs, the old one cannot read: the current secret signed it.
  const after = rotated.urls('http://serve.test', claims);
  assert.notEqual(queryOf(after.clickUrl).get('s'), queryOf(before.clickUrl).get('s'));
  assert.deepEqual(signer.read('click', queryOf(after.clickUrl), now), { ok: false, problem: { kind: 'forged' } });
  assert.deepEqual(new TrackingSigner('the-new-secret-after-the-rotation-111').read('click', queryOf(after.clickUrl), now), {
    ok: true,
    claims,
  });
});
