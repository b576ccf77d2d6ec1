import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { apiKeyPrefixOf, hashApiKeySecret, issueApiKeySecret } from './api-key-secret';

describe('issueApiKeySecret', () => {
  it('issues ads_ secrets with 256 random bits, their prefix and their SHA-256', () => {
    const issued = issueApiKeySecret();
    assert.match(issued.secret, /^ads_[A-Za-z0-9_-]{43}$/);
    assert.equal(issued.prefix, issued.secret.slice(0, 12));
    assert.equal(issued.hash, createHash('sha256').update(issued.secret).digest('hex'));
  });

  it('never issues the same secret twice', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => issueApiKeySecret().secret));
    assert.equal(secrets.size, 200);
  });
});

describe('hashApiKeySecret', () => {
  it('is the lower-case hex SHA-256 that ApiKey.hash stores', () => {
    // printf 'ads_example' | sha256sum
    assert.equal(hashApiKeySecret('ads_example'), 'a947a3ccafb86975c2a0ba01a68b975822c8a077f41537bcc30123cfaa95ce17');
    assert.match(hashApiKeySecret('ads_example'), /^[0-9a-f]{64}$/);
    assert.equal(apiKeyPrefixOf('ads_abcdefgh_rest'), 'ads_abcdefgh');
  });
});
