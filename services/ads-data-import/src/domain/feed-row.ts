import { dataApi } from '@ads/ads-client';
import type { z } from 'zod';
import { boundedText } from './bounded-text';
import { FEED_COLUMNS_BY_NAME, FEED_LIST_SEPARATOR, columnOfPath, type FeedColumn } from './feed-columns';

/** A row as ads-data-api `imports.upsertRows` takes it, defaults filled in. */
export type ValidFeedRow = z.output<typeof dataApi.feedUpsertRow>;

/** One problem of one row: the feed line, the column (or dotted path) and what is wrong. */
export interface FeedRowError {
  line: number;
  field: string;
  message: string;
}

/** A record as read from the feed, before validation. */
export interface FeedRecord {
  /** The line of the feed where the row starts (JSON arrays: the row's position, from 1). */
  line: number;
  values: Record<string, unknown>;
}

export type FeedRowResult = { ok: true; line: number; row: ValidFeedRow } | { ok: false; line: number; errors: FeedRowError[] };

const INTEGER = /^[+-]?\d+$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON row written in the contract's own nested shape rather than flat columns. */
export function isNestedRow(values: Record<string, unknown>): boolean {
  return isPlainObject(values.advertiser) || isPlainObject(values.campaign) || isPlainObject(values.ad);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function valueAt(target: unknown, path: readonly PropertyKey[]): unknown {
  let node = target;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Reads one cell by its column's kind; `undefined` means "not given", so the default applies. */
function readCell(column: FeedColumn, raw: unknown): { value: unknown } | { problem: string } {
  if (typeof raw !== 'string') return { value: raw };
  const text = raw.trim();
  if (text === '') return { value: undefined };
  switch (column.kind) {
    case 'text':
    case 'nullableText':
      return { value: raw };
    case 'integer':
    case 'nullableInteger':
      return INTEGER.test(text) ? { value: Number(text) } : { problem: `must be a whole number, got "${boundedText(text)}"` };
    case 'textList':
      return {
        value: text
          .split(FEED_LIST_SEPARATOR)
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      };
    case 'integerList': {
      const items = text
        .split(FEED_LIST_SEPARATOR)
        .map((item) => item.trim())
        .filter((item) => item !== '');
      const bad = items.find((item) => !INTEGER.test(item));
      return bad === undefined
        ? { value: items.map(Number) }
        : { problem: `must be whole numbers separated by "${FEED_LIST_SEPARATOR}", got "${boundedText(bad)}"` };
    }
  }
}

/** Builds the nested contract shape from flat columns; problems name the column. */
export function nestFlatRow(values: Record<string, unknown>): {
  candidate: Record<string, unknown>;
  problems: { field: string; message: string }[];
} {
  const candidate: Record<string, unknown> = { advertiser: {}, campaign: {}, ad: {} };
  const problems: { field: string; message: string }[] = [];
  for (const [name, raw] of Object.entries(values)) {
    const column = FEED_COLUMNS_BY_NAME.get(name);
    if (column === undefined) {
      problems.push({ field: name, message: 'is not a feed column' });
      continue;
    }
    if (raw === undefined || raw === null || raw === '') continue;
    const cell = readCell(column, raw);
    if ('problem' in cell) problems.push({ field: name, message: cell.problem });
    else if (cell.value !== undefined) setPath(candidate, column.path, cell.value);
  }
  // A cap given by half is an error of the missing half, not a silently dropped cap.
  const cap = valueAt(candidate, ['campaign', 'frequencyCap']);
  if (isPlainObject(cap) && (cap.count === undefined) !== (cap.windowSeconds === undefined)) {
    const missing = cap.count === undefined ? 'frequency_cap_count' : 'frequency_cap_window_seconds';
    if (!problems.some((problem) => problem.field === missing))
      problems.push({ field: missing, message: 'is required when the other frequency cap column is given' });
  }
  // zod runs an object's refinements only when its fields passed; checking these cross-field rules
  // here as well lets one pass over a bad row report all of its problems.
  const start = Date.parse(String(valueAt(candidate, ['campaign', 'flightStart'])));
  const end = Date.parse(String(valueAt(candidate, ['campaign', 'flightEnd'])));
  if (Number.isFinite(start) && Number.isFinite(end) && end <= start)
    problems.push({ field: 'flight_end', message: 'flightEnd must be after flightStart' });
  const ad = candidate.ad as Record<string, unknown>;
  if (
    ad.format === 'banner' &&
    (ad.width === undefined || ad.height === undefined) &&
    !problems.some((problem) => problem.field === 'ad_width' || problem.field === 'ad_height')
  ) {
    problems.push({ field: ad.width === undefined ? 'ad_width' : 'ad_height', message: 'a banner needs width and height' });
  }
  return { candidate, problems };
}

type ParseIssue = z.core.$ZodIssue;
type RowParse = { success: true; data: ValidFeedRow } | { success: false; issues: ParseIssue[] };
type PartParse = { success: true; data: unknown } | { success: false; issues: ParseIssue[] };

const ROW_PARTS = ['advertiser', 'campaign', 'ad'] as const;
/** Distinct advertisers and campaigns remembered per import; plenty for one feed, bounded for memory. */
const MEMO_LIMIT = 20_000;

/**
 * Validates feed records with the `feedUpsertRow` contract, reporting every problem of a row
 * (not just the first), each naming its column for flat rows or its dotted path for nested JSON.
 *
 * A feed repeats its advertiser and campaign columns on every ad row, and the campaign's checks
 * are the expensive part (the time-zone check builds an Intl.DateTimeFormat), so the validator
 * parses the row's three parts separately and remembers the verdict on each distinct advertiser
 * and campaign. The contract row is a strict object of exactly these parts, so this is the same
 * validation (a test holds the two side by side); anything else goes through the whole schema.
 */
export class FeedRowValidator {
  private readonly memo = { advertiser: new Map<string, PartParse>(), campaign: new Map<string, PartParse>() };

  validate(record: FeedRecord): FeedRowResult {
    const nested = isNestedRow(record.values);
    const { candidate, problems } = nested ? { candidate: record.values, problems: [] } : nestFlatRow(record.values);
    const parsed = this.parse(candidate);
    if (parsed.success && problems.length === 0) return { ok: true, line: record.line, row: parsed.data };
    return {
      ok: false,
      line: record.line,
      errors: rowErrors(record.line, candidate, nested, problems, parsed.success ? [] : parsed.issues),
    };
  }

  private parse(candidate: Record<string, unknown>): RowParse {
    const keys = Object.keys(candidate);
    const byParts = keys.length === ROW_PARTS.length && ROW_PARTS.every((part) => isPlainObject(candidate[part]));
    if (!byParts) {
      const whole = dataApi.feedUpsertRow.safeParse(candidate);
      return whole.success ? { success: true, data: whole.data } : { success: false, issues: whole.error.issues };
    }
    const data: Record<string, unknown> = {};
    const issues: ParseIssue[] = [];
    for (const part of ROW_PARTS) {
      const result = this.parsePart(part, candidate[part]);
      if (result.success) data[part] = result.data;
      else for (const issue of result.issues) issues.push({ ...issue, path: [part, ...issue.path] });
    }
    return issues.length === 0 ? { success: true, data: data as ValidFeedRow } : { success: false, issues };
  }

  private parsePart(part: (typeof ROW_PARTS)[number], value: unknown): PartParse {
    const schema = dataApi.feedUpsertRow.shape[part];
    const fresh = (): PartParse => {
      const result = schema.safeParse(value);
      return result.success ? { success: true, data: result.data } : { success: false, issues: result.error.issues };
    };
    if (part === 'ad') return fresh();
    const memo = this.memo[part];
    const key = JSON.stringify(value);
    let result = memo.get(key);
    if (result === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      result = fresh();
      memo.set(key, result);
    }
    // Rows of one campaign share its parsed object: rows are read-only once validated.
    return result;
  }
}

/** Turns mapping problems and zod issues into row errors, one per field. Exported for tests. */
export function rowErrors(
  line: number,
  candidate: Record<string, unknown>,
  nested: boolean,
  problems: { field: string; message: string }[],
  issues: readonly ParseIssue[],
): FeedRowError[] {
  const errors: FeedRowError[] = problems.map((problem) => ({ line, ...problem }));
  const reported = new Set(errors.map((error) => error.field));
  for (const issue of issues) {
    const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ line, field: [...path, key].join('.'), message: 'is not a field of the feed row' });
      continue;
    }
    const field = nested ? path.join('.') || '(row)' : columnOfPath(path);
    if (reported.has(field)) continue;
    reported.add(field);
    const missing = issue.code === 'invalid_type' && valueAt(candidate, path) === undefined;
    errors.push({ line, field, message: missing ? 'is required' : issue.message });
  }
  return errors;
}

/** Validates one record on its own (no memory of earlier rows); see {@link FeedRowValidator}. */
export function validateFeedRecord(record: FeedRecord): FeedRowResult {
  return new FeedRowValidator().validate(record);
}
