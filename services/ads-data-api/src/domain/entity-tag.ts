// ETags of versioned rows (`W/"<version>"`) and the If-Match header that guards writes.
import { DataApiError } from '../errors';

/** The ETag of a row at `version`. Weak: two versions may serialise differently (field order). */
export function entityTagOf(version: number): string {
  return `W/"${version}"`;
}

/** What an If-Match header asks for. */
export type IfMatch =
  | { kind: 'absent' }
  /** `If-Match: *`: any current version (an explicit last-write-wins). */
  | { kind: 'any' }
  | { kind: 'versions'; versions: number[] };

const tagPattern = /^(?:W\/)?"(\d{1,10})"$/;

/**
 * Parses If-Match. Weak tags are compared by their version: the header exists to catch lost
 * updates, and the version alone decides that (RFC 9110's strong comparison would make
 * every weak tag fail). A header that is neither `*` nor a list of this API's entity tags is
 * VALIDATION_FAILED naming the If-Match field.
 */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined || header.trim() === '') return { kind: 'absent' };
  if (header.trim() === '*') return { kind: 'any' };
  const versions: number[] = [];
  for (const part of header.split(',')) {
    const match = tagPattern.exec(part.trim());
    if (match === null) {
      const problem = `"${part.trim().slice(0, 80)}" is not an entity tag such as W/"3" (or use *)`;
      throw new DataApiError('VALIDATION_FAILED', `If-Match ${problem}`, { fields: [{ path: ['If-Match'], message: problem }] });
    }
    versions.push(Number(match[1]));
  }
  return { kind: 'versions', versions };
}

/** Whether a write guarded by `ifMatch` may go ahead on a row at `currentVersion`. */
export function ifMatchAllows(ifMatch: IfMatch, currentVersion: number): boolean {
  return ifMatch.kind !== 'versions' || ifMatch.versions.includes(currentVersion);
}

/** Whether an If-None-Match header names the current version (a GET may answer 304). */
export function ifNoneMatchHits(header: string | undefined, currentVersion: number): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((part) => tagPattern.exec(part.trim())?.[1] === String(currentVersion));
}
