import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrackingSigner, beaconOfPath, spendOfEvent, type TrackingClaims } from './tracking-url';

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
const forged = { ok: false, problem: { kind: 'forged' } };

test('a token reads back to its claims; one token serves the three beacon paths', () => {
  const token = signer.token(claims);
  assert.deepEqual(signer.readToken(token, now), { ok: true, claims });
  // Path-safe: nothing to escape in a URL path or in JSON; the odd ad id is percent-encoded.
  assert.match(token, /^[A-Za-z0-9_.~%,-]+$/);
  assert.ok(token.startsWith('ad%201%2F%C3%A9,camp-1,adv-1,0,'));
  for (const [code, event] of [
    ['i', 'impression'],
    ['v', 'viewable'],
    ['c', 'click'],
  ] as const) {
    assert.deepEqual(beaconOfPath(`/t/${token}/${code}`), { event, token });
  }
  assert.deepEqual(beaconOfPath('/t/i'), { event: 'impression', token: undefined }, 'a legacy path');
  for (const path of ['/t/', '/t/x', '/t/abc/x', '/t/a/b/i', '/tx/abc/i', '/t//i', '/t/ab/cd'])
    assert.equal(beaconOfPath(path), undefined, path);
  const other = signer.token({ ...claims, decisionId: 'dec-2' });
  assert.notEqual(other, token);
  assert.equal(spendOfEvent('click', claims), 500_000);
  assert.equal(spendOfEvent('impression', claims), 0);
});

test('a token with any field or its tag changed, or signed with another secret, is refused as forged', () => {
  const token = signer.token(claims);
  const fields = token.split(',');
  for (let at = 0; at < fields.length; at += 1) {
    const tampered = [...fields];
    tampered[at] = at === fields.length - 1 ? 'A'.repeat(22) : at >= 3 && at <= 4 ? 'zz' : `${fields[at]}x`;
    if (at === 8) tampered[at] = (claims.expiresAt + 86_400).toString(36);
    assert.deepEqual(signer.readToken(tampered.join(','), now), forged, `changing field ${at}`);
  }
  // Another encoding of the same values is not what was signed.
  assert.deepEqual(signer.readToken(token.replace('camp-1', 'camp%2D1'), now), forged);
  assert.deepEqual(new TrackingSigner('another-secret-another-secret-0000').readToken(token, now), forged);
  // The tag is compared whole: shorter, longer, its last character changed, or not ASCII.
  const tag = fields.at(-1)!;
  const withTag = (other: string) => [...fields.slice(0, -1), other].join(',');
  assert.deepEqual(signer.readToken(withTag(tag.slice(0, -1)), now), forged);
  assert.deepEqual(signer.readToken(withTag(`${tag}A`), now), forged);
  assert.deepEqual(signer.readToken(withTag(`${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`), now), forged);
  assert.deepEqual(signer.readToken(withTag(`${tag.slice(0, -1)}\u00e9`), now), forged);
  assert.equal(signer.readToken(withTag(tag), now).ok, true);
});

test('an expired token is refused after checking its tag; malformed tokens name their field', () => {
  const token = signer.token(claims);
  const expired = signer.readToken(token, (claims.expiresAt + 1) * 1000);
  assert.deepEqual(expired, { ok: false, problem: { kind: 'expired', claims } });
  const problemOf = (text: string) => {
    const read = signer.readToken(text, now);
    return read.ok ? undefined : read.problem;
  };
  const fields = token.split(',');
  assert.deepEqual(problemOf(fields.slice(1).join(',')), {
    kind: 'invalid',
    field: 'token',
    message: 'tracking token has 9 fields, expected 10',
  });
  const withField = (at: number, value: string) => fields.map((field, index) => (index === at ? value : field)).join(',');
  assert.equal((problemOf(withField(8, '12-b')) as { field: string }).field, 'expiresAt');
  assert.equal((problemOf(withField(3, '')) as { field: string }).field, 'impressionSpendMicros');
  assert.equal((problemOf(withField(7, '')) as { field: string }).field, 'userKey');
  assert.equal((problemOf(withField(7, 'u'.repeat(65))) as { field: string }).field, 'userKey');
  assert.equal((problemOf(withField(0, '%E0%A4%A')) as { field: string }).field, 'adId');
  assert.equal((problemOf('x'.repeat(3000)) as { field: string }).field, 'token');
});

test('after a rotation, tokens signed with the previous secret still count; new ones use the current secret', () => {
  const rotated = new TrackingSigner('the-new-secret-after-the-rotation-111', 'a-test-secret-that-is-long-enough-000');
  const before = signer.token(claims);
  assert.deepEqual(rotated.readToken(before, now), { ok: true, claims });
  const tampered = before.replace(',adv-1,', ',adv-2,');
  assert.deepEqual(rotated.readToken(tampered, now), forged);
  const after = rotated.token(claims);
  assert.notEqual(after, before);
  assert.deepEqual(signer.readToken(after, now), forged, 'an instance without the new secret refuses its tokens');
  assert.deepEqual(new TrackingSigner('the-new-secret-after-the-rotation-111').readToken(after, now), { ok: true, claims });
  // Legacy URLs signed with the previous secret are read by the rotated signer too.
  const legacy = signer.legacyUrls('http://serve.test', claims);
  assert.deepEqual(rotated.readLegacy('viewable', queryOf(legacy.viewableUrl), now), { ok: true, claims });
});

test('legacy URLs: the three beacon URLs of an ad read back to its claims', () => {
  const urls = signer.legacyUrls('http://serve.test', claims);
  assert.ok(urls.impressionUrl.startsWith('http://serve.test/t/i?'));
  assert.ok(urls.viewableUrl.startsWith('http://serve.test/t/v?'));
  assert.ok(urls.clickUrl.startsWith('http://serve.test/t/c?'));
  assert.deepEqual(signer.readLegacy('impression', queryOf(urls.impressionUrl), now), { ok: true, claims });
  assert.deepEqual(signer.readLegacy('viewable', queryOf(urls.viewableUrl), now), { ok: true, claims });
  assert.deepEqual(signer.readLegacy('click', queryOf(urls.clickUrl), now), { ok: true, claims });
  assert.equal(spendOfEvent('click', claims), 500_000);
  assert.equal(spendOfEvent('viewable', claims), 0);
});

test('legacy URLs: a changed claim, another event or another key is refused as forged', () => {
  const { clickUrl, impressionUrl, viewableUrl } = signer.legacyUrls('http://serve.test', claims);
  for (const [param, value] of [
    ['n', '5000000'],
    ['a', 'another-ad'],
    ['u', 'someone-else'],
    ['x', String(claims.expiresAt + 86_400)],
    ['s', 'A'.repeat(14)],
  ] as const) {
    const tampered = queryOf(clickUrl);
    tampered.set(param, value);
    assert.deepEqual(signer.readLegacy('click', tampered, now), { ok: false, problem: { kind: 'forged' } }, `changing ${param}`);
  }
  // The impression URL's query sent to the click beacon: its tag is not the click's.
  assert.deepEqual(signer.readLegacy('click', queryOf(impressionUrl), now), { ok: false, problem: { kind: 'forged' } });
  assert.deepEqual(signer.readLegacy('impression', queryOf(viewableUrl), now), { ok: false, problem: { kind: 'forged' } });
  assert.notEqual(queryOf(clickUrl).get('s'), queryOf(impressionUrl).get('s'));
  assert.deepEqual(new TrackingSigner('another-secret-another-secret-0000').readLegacy('click', queryOf(clickUrl), now), {
    ok: false,
    problem: { kind: 'forged' },
  });
});

test('legacy URLs: an expired URL is refused after checking its signature; missing or malformed fields are named', () => {
  const { impressionUrl } = signer.legacyUrls('http://serve.test', claims);
  const read = signer.readLegacy('impression', queryOf(impressionUrl), (claims.expiresAt + 1) * 1000);
  assert.equal(!read.ok && read.problem.kind, 'expired');
  const missing = queryOf(impressionUrl);
  missing.delete('u');
  const problem = signer.readLegacy('impression', missing, now);
  assert.equal(!problem.ok && problem.problem.kind === 'invalid' && problem.problem.field, 'userKey');
  const badNumber = queryOf(impressionUrl);
  badNumber.set('x', '12abc');
  const numberProblem = signer.readLegacy('impression', badNumber, now);
  assert.equal(!numberProblem.ok && numberProblem.problem.kind === 'invalid' && numberProblem.problem.field, 'expiresAt');
});

test('legacy URLs: after a rotation, URLs signed with the previous secret still count; new ones use the current secret', () => {
  const oldSecret = 'a-test-secret-that-is-long-enough-000';
  const rotated = new TrackingSigner('the-new-secret-after-the-rotation-111', oldSecret);
  const before = signer.legacyUrls('http://serve.test', claims);
  assert.deepEqual(rotated.readLegacy('click', queryOf(before.clickUrl), now), { ok: true, claims });
  assert.deepEqual(rotated.readLegacy('impression', queryOf(before.impressionUrl), now), { ok: true, claims });
  // The previous secret does not make another event's tag or an altered claim acceptable.
  assert.deepEqual(rotated.readLegacy('click', queryOf(before.impressionUrl), now), { ok: false, problem: { kind: 'forged' } });
  const tampered = queryOf(before.clickUrl);
  tampered.set('n', '9000000');
  assert.deepEqual(rotated.readLegacy('click', tampered, now), { ok: false, problem: { kind: 'forged' } });
  // What the rotated signer signs, the old one cannot read: the current secret signed it.
  const after = rotated.legacyUrls('http://serve.test', claims);
  assert.notEqual(queryOf(after.clickUrl).get('s'), queryOf(before.clickUrl).get('s'));
  assert.deepEqual(signer.readLegacy('click', queryOf(after.clickUrl), now), { ok: false, problem: { kind: 'forged' } });
  assert.deepEqual(new TrackingSigner('the-new-secret-after-the-rotation-111').readLegacy('click', queryOf(after.clickUrl), now), {
    ok: true,
    claims,
  });
});
