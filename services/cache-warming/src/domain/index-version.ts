import { randomBytes } from 'node:crypto';

/** A version id that sorts by build time and does not collide between two concurrent runs. */
export function newIndexVersionId(nowMs = Date.now()): string {
  return `${new Date(nowMs).toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
}
