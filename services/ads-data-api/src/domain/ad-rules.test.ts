import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { adSizeViolations, reviewStateAfterEdit } from './ad-rules';

describe('ad rules', () => {
  it('needs width and height together, and both for banners', () => {
    assert.deepEqual(adSizeViolations({ format: 'native', width: null, height: null }), []);
    assert.deepEqual(adSizeViolations({ format: 'banner', width: 300, height: 250 }), []);
    assert.equal(adSizeViolations({ format: 'native', width: 300, height: null })[0]?.field, 'height');
    assert.equal(adSizeViolations({ format: 'banner', width: null, height: null })[0]?.field, 'width');
  });

  const stored = { title: 'Shoes', body: '', imageUrl: null, clickUrl: 'https://shop.example', width: null, height: null };

  it('sends an approved ad back to review when what viewers see changes', () => {
    assert.equal(reviewStateAfterEdit('approved', { title: 'Boots' }, stored), 'pending');
    assert.equal(reviewStateAfterEdit('rejected', { clickUrl: 'https://other.example' }, stored), 'pending');
  });

  it('keeps the review state when nothing visible changes, or when the edit sets it', () => {
    assert.equal(reviewStateAfterEdit('approved', { title: 'Shoes' }, stored), 'approved');
    assert.equal(reviewStateAfterEdit('approved', {}, stored), 'approved');
    assert.equal(reviewStateAfterEdit('pending', { title: 'Boots', reviewState: 'approved' }, stored), 'approved');
  });
});
