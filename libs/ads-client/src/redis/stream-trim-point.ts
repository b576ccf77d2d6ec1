import { compareStreamIds, nextStreamId } from './stream-id.js';

/** What trimming needs to know of one consumer group of the stream. */
export interface ConsumerGroupPosition {
  name: string;
  lastDeliveredId: string;
  /** The oldest id still pending in the group, when any is. */
  oldestPendingId: string | undefined;
}

/**
 * The MINID below which every entry has been delivered to and acknowledged by every group,
 * so XTRIM MINID may drop it. Undefined when the stream has no group yet: nothing is safe.
 */
export function streamTrimPoint(groups: readonly ConsumerGroupPosition[]): string | undefined {
  let point: string | undefined;
  for (const group of groups) {
    const groupPoint = group.oldestPendingId ?? nextStreamId(group.lastDeliveredId);
    if (point === undefined || compareStreamIds(groupPoint, point) < 0) point = groupPoint;
  }
  return point === '0-1' ? undefined : point;
}
