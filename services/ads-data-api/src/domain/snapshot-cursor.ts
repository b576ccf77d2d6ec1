import { DataApiError } from '../errors';

/** Where the next page of an inventory snapshot starts, and the instant the snapshot is read at. */
export interface SnapshotCursor {
  /** Instant of the first page: every page filters flights against it, so paging is stable. */
  asOf: Date;
  /** Last campaign id of the previous page (pages are ordered by campaign id). */
  afterCampaignId: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to clients: base64url of `<asOf ms>.<campaign id>`. */
export function encodeSnapshotCursor(cursor: SnapshotCursor): string {
  return Buffer.from(`${cursor.asOf.getTime()}.${cursor.afterCampaignId}`, 'utf8').toString('base64url');
}

/** Reads a cursor from `encodeSnapshotCursor`; anything else is refused, naming the field. */
export function decodeSnapshotCursor(text: string): SnapshotCursor {
  const match = /^(\d{1,15})\.(.+)$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (match === null || !uuidPattern.test(match[2]!)) {
    throw new DataApiError('SNAPSHOT_CURSOR_INVALID', 'cursor: not a cursor returned by inventory.snapshot', {
      fields: [{ path: ['cursor'], message: 'not a cursor returned by inventory.snapshot' }],
    });
  }
  return { asOf: new Date(Number(match[1])), afterCampaignId: match[2]! };
}
