import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DataApiError } from '../errors';
import { decodeSnapshotCursor, encodeSnapshotCursor } from './snapshot-cursor';

describe('snapshot cursor', () => {
  it('round-trips the instant and the last campaign id', () => {
    const cursor = { asOf: new Date('2026-05-01T10:11:12.345Z'), afterCampaignId: '0190a000-0000-7000-8000-000000000001' };
    assert.deepEqual(decodeSnapshotCursor(encodeSnapshotCursor(cursor)), cursor);
  });

  it('refuses anything else, naming the cursor field', () => {
    for (const text of ['', 'garbage', Buffer.from("1.x' OR 1=1").toString('base64url')]) {
      assert.throws(
        () => decodeSnapshotCursor(text),
        (error: unknown) =>
          error instanceof DataApiError && error.code === 'SNAPSHOT_CURSOR_INVALID' && error.fields[0]!.path[0] === 'cursor',
      );
    }
  });
});
