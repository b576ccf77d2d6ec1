import { createHash } from 'node:crypto';
import { streamIdRange } from '@ads/ads-client';

/**
 * The batch id sent with `stats.ingest` for a set of stream entries. It depends only on the
 * entries (their stream and ids), never on who read them or when, so a batch re-delivered
 * after a crash carries the same id and ads-data-api applies it once.
 *
 * The roll-up keeps each consumer's pending list to exactly one batch, so re-reading or
 * claiming that list rebuilds the same set of ids; the count guards against a set that was
 * cut differently but happens to share its ends.
 */
export function rollupBatchId(streamKey: string, entryIds: readonly string[]): string {
  const { first, last } = streamIdRange(entryIds);
  // Stream ids restart in another stream (a test prefix, another environment): the stream
  // key's digest keeps ids of different streams apart within the 200 characters allowed.
  const stream = createHash('sha256').update(streamKey).digest('hex').slice(0, 12);
  return `rollup:${stream}:${first}:${last}:${entryIds.length}`;
}
