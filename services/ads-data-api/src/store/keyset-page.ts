import { decodeListCursor, encodeListCursor, filterDigestOf, parseSort } from '../domain/list-cursor';
import { DataApiError } from '../errors';

/** How a sortable field compares: dates travel in cursors as ISO strings. */
export type SortKind = 'date' | 'string';

/** One page of rows and the cursor of the next (null on the last page). */
export interface KeysetPage<Row> {
  rows: Row[];
  nextCursor: string | null;
}

/**
 * Reads one page of a list ordered by a whitelisted field with the id as tie-breaker, after
 * the position in `cursor` (keyset pagination: every page costs the same, and rows written
 * meanwhile neither repeat nor go missing). `where` carries filters and the caller's scope.
 */
export async function readKeysetPage<Row extends { id: string }, Field extends string>(input: {
  sort: Field | `-${Field}`;
  sortKinds: Record<Field, SortKind>;
  limit: number;
  cursor: string | undefined;
  /** The list's filters as the client sent them; a cursor only works with the same ones. */
  filters: Record<string, unknown>;
  where: object;
  find: (args: { where: object; orderBy: object[]; take: number }) => Promise<Row[]>;
}): Promise<KeysetPage<Row>> {
  const { field, direction } = parseSort<Field>(input.sort);
  const kind = input.sortKinds[field];
  const digest = filterDigestOf(input.filters);
  const conditions: object[] = [input.where];
  if (input.cursor !== undefined) {
    const position = decodeListCursor(input.cursor, input.sort, digest);
    const value = kind === 'date' ? new Date(String(position.value)) : String(position.value);
    if (kind === 'date' && Number.isNaN((value as Date).getTime())) {
      throw new DataApiError('VALIDATION_FAILED', 'cursor is not a cursor this API issued', {
        fields: [{ path: ['cursor'], message: 'is not a cursor this API issued' }],
      });
    }
    const beyond = direction === 'asc' ? 'gt' : 'lt';
    const beyondOrAt = direction === 'asc' ? 'gte' : 'lte';
    // The first bound is implied by the second; it is there so that PostgreSQL starts an index
    // scan on (field, id) at the cursor instead of filtering every row before it.
    conditions.push({ [field]: { [beyondOrAt]: value } });
    conditions.push({ OR: [{ [field]: { [beyond]: value } }, { [field]: value, id: { [beyond]: position.id } }] });
  }
  const rows = await input.find({
    where: { AND: conditions },
    orderBy: [{ [field]: direction }, { id: direction }],
    take: input.limit + 1,
  });
  if (rows.length <= input.limit) return { rows, nextCursor: null };
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1]!;
  const lastValue = (last as unknown as Record<string, unknown>)[field];
  const value = lastValue instanceof Date ? lastValue.toISOString() : String(lastValue);
  return { rows: page, nextCursor: encodeListCursor(input.sort, digest, { value, id: last.id }) };
}

/** A Prisma `contains` filter that ignores case, or nothing when there is no search text. */
export function containsText(text: string | undefined): { contains: string; mode: 'insensitive' } | undefined {
  return text === undefined ? undefined : { contains: text, mode: 'insensitive' };
}

/** A list query of the REST contracts: page size, cursor and sort; its other fields are filters. */
export interface ListQuery<Field extends string> {
  limit: number;
  cursor?: string | undefined;
  sort: Field | `-${Field}`;
}

/**
 * One page of a resource list as the API shows it: `readKeysetPage` over the query (its
 * fields beyond paging and sort are the filters a cursor is bound to), rows shown by `view`.
 */
export async function readViewPage<Row extends { id: string }, View, Field extends string>(
  query: ListQuery<Field>,
  list: {
    sortKinds: Record<Field, SortKind>;
    where: object;
    find: (args: { where: object; orderBy: object[]; take: number }) => Promise<Row[]>;
    view: (row: Row) => View;
  },
): Promise<KeysetPage<View>> {
  const { limit, cursor, sort, ...filters } = query;
  const page = await readKeysetPage({ sort, sortKinds: list.sortKinds, limit, cursor, filters, where: list.where, find: list.find });
  return { rows: page.rows.map(list.view), nextCursor: page.nextCursor };
}
