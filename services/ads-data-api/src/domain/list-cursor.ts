// Opaque cursors of keyset-paginated lists: the sort value and id of the last row served,
// bound to the sort and filters they were issued for.
import { createHash } from 'node:crypto';
import { DataApiError } from '../errors';
import { isRowId } from './row-id';

/** A position in a list: after the row with this sort value and id. */
export interface ListPosition {
  value: string | number;
  id: string;
}

/** VALIDATION_FAILED naming the cursor: not one this API issued, or issued for another sort or filter. */
function invalidCursor(problem: string): DataApiError {
  return new DataApiError('VALIDATION_FAILED', `cursor ${problem}`, { fields: [{ path: ['cursor'], message: problem }] });
}

interface CursorBody {
  s: string;
  f: string;
  v: string | number;
  i: string;
}

/** A short digest of a list's filters (order of keys does not matter). */
export function filterDigestOf(filters: Record<string, unknown>): string {
  const entries = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 12);
}

export function encodeListCursor(sort: string, filterDigest: string, position: ListPosition): string {
  const body: CursorBody = { s: sort, f: filterDigest, v: position.value, i: position.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The position of a cursor; throws VALIDATION_FAILED when it does not belong to this list. */
export function decodeListCursor(cursor: string, sort: string, filterDigest: string): ListPosition {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw invalidCursor('is not a cursor this API issued');
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof body.s !== 'string' ||
    typeof body.f !== 'string' ||
    typeof body.i !== 'string' ||
    !isRowId(body.i) ||
    (typeof body.v !== 'string' && typeof body.v !== 'number')
  ) {
    throw invalidCursor('is not a cursor this API issued');
  }
  if (body.s !== sort || body.f !== filterDigest) {
    throw invalidCursor('was issued for another sort or other filters; start again without a cursor');
  }
  return { value: body.v, id: body.i };
}

/** `-createdAt` → `{ field: 'createdAt', direction: 'desc' }`. */
export function parseSort<Field extends string>(sort: Field | `-${Field}`): { field: Field; direction: 'asc' | 'desc' } {
  return sort.startsWith('-') ? { field: sort.slice(1) as Field, direction: 'desc' } : { field: sort as Field, direction: 'asc' };
}
