import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { HmacSha256 } from './hmac-sha256';
import { seededRng } from './rng';

test('equals node:crypto HMAC-SHA256 with the derived key, for any secret and message', () => {
  const rng = seededRng(7);
  const alphabet = ['a', 'Z', '0', '\n', '-', 'é', '漢', '😀', '\u0000', '"', '\\'];
  const text = (length: number) => Array.from({ length }, () => alphabet[Math.floor(rng() * alphabet.length)]).join('');
  for (const secret of ['a-test-secret-that-is-long-enough-000', 'x'.repeat(64), 'y'.repeat(200), 'ünïcødé-secret-😀-0123456789abcdef']) {
    const hmac = new HmacSha256(secret);
    assert.equal(hmac.key.length, 64);
    for (let round = 0; round < 200; round += 1) {
      const message = text(Math.floor(rng() * 300));
      assert.equal(
        hmac.digest(message),
        createHmac('sha256', hmac.key).update(message, 'utf8').digest('base64url'),
        `message ${JSON.stringify(message)}`,
      );
    }
  }
});

test('different secrets give different keys and tags', () => {
  const one = new HmacSha256('secret-one-secret-one-secret-one-0');
  const two = new HmacSha256('secret-two-secret-two-secret-two-0');
  assert.notEqual(one.key, two.key);
  assert.notEqual(one.digest('same message'), two.digest('same message'));
  assert.equal(one.digest('same message'), one.digest('same message'));
});
