import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { checkFeedHeader } from '../domain/feed-header';
import type { FeedRecord, FeedRowError } from '../domain/feed-row';
import { FeedFormatError } from '../errors';
import type { FeedFormat } from './feed-source';

/** What reading a feed yields: a record to validate, or a row that could not even be parsed. */
export type FeedItem = { kind: 'record'; record: FeedRecord } | { kind: 'unreadable'; error: FeedRowError };

/**
 * Reads a feed's records with their line numbers. A malformed row is yielded as unreadable and
 * reading goes on; a bad header or a document that is not a feed at all throws FeedFormatError.
 */
export function readFeedRecords(body: Readable, format: FeedFormat): AsyncGenerator<FeedItem> {
  if (format === 'csv') return readCsv(body);
  if (format === 'jsonl') return readJsonLines(body);
  return readJsonArray(body);
}

function innerNewlines(raw: string): number {
  const record = raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
  let count = 0;
  for (let index = record.indexOf('\n'); index !== -1; index = record.indexOf('\n', index + 1)) count += 1;
  return count;
}

async function* readCsv(body: Readable): AsyncGenerator<FeedItem> {
  const skipped: FeedRowError[] = [];
  const parser = parse({
    bom: true,
    // Feeds put together by hand mix line endings; both count as the end of a record.
    record_delimiter: ['\r\n', '\n'],
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    raw: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      skipped.push({ line: (error as { lines?: number } | undefined)?.lines ?? 0, field: '(row)', message: `is not valid CSV: ${error?.message ?? 'unreadable'}` });
      return undefined;
    },
  });
  body.on('error', (error) => parser.destroy(error));
  body.pipe(parser);
  let header: string[] | undefined;
  for await (const item of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    const line = item.info.lines - innerNewlines(item.raw);
    // The parser reports skipped rows as soon as it meets them, ahead of the records before them.
    while (skipped.length > 0 && skipped[0]!.line < line) yield { kind: 'unreadable', error: skipped.shift()! };
    if (header === undefined) {
      header = item.record.map((name) => name.trim());
      const problems = checkFeedHeader(header, line);
      if (problems.length > 0) {
        parser.destroy();
        throw new FeedFormatError(`the feed header has ${problems.length} problem(s): ${problems.map((problem) => `${problem.field} ${problem.message}`).join('; ')}`, problems);
      }
      continue;
    }
    if (item.record.length !== header.length) {
      yield { kind: 'unreadable', error: { line, field: '(row)', message: `has ${item.record.length} cells, the header has ${header.length}` } };
      continue;
    }
    const values: Record<string, unknown> = {};
    for (let index = 0; index < header.length; index += 1) values[header[index]!] = item.record[index];
    yield { kind: 'record', record: { line, values } };
  }
  while (skipped.length > 0) yield { kind: 'unreadable', error: skipped.shift()! };
  if (header === undefined) throw new FeedFormatError('the feed is empty: a CSV feed starts with a header line', [{ line: 1, field: '(header)', message: 'is missing' }]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function* readJsonLines(body: Readable): AsyncGenerator<FeedItem> {
  const lines = createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) {
      yield* jsonLine(text.slice(1), line);
      continue;
    }
    yield* jsonLine(text, line);
  }
}

function* jsonLine(text: string, line: number): Generator<FeedItem> {
  if (text.trim() === '') return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    yield { kind: 'unreadable', error: { line, field: '(row)', message: `is not JSON: ${(error as Error).message}` } };
    return;
  }
  if (!isPlainObject(value)) yield { kind: 'unreadable', error: { line, field: '(row)', message: 'must be a JSON object' } };
  else yield { kind: 'record', record: { line, values: value } };
}

async function* readJsonArray(body: Readable): AsyncGenerator<FeedItem> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new FeedFormatError(`the feed is not valid JSON: ${(error as Error).message}`, [{ line: 0, field: '(feed)', message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  const rows = Array.isArray(document) ? document : isPlainObject(document) && Array.isArray(document.rows) ? document.rows : undefined;
  if (rows === undefined) {
    throw new FeedFormatError('a JSON feed is an array of rows, or an object with a "rows" array', [{ line: 0, field: '(feed)', message: 'must be an array of rows or {"rows": [...]}' }]);
  }
  for (let index = 0; index < rows.length; index += 1) {
    const value: unknown = rows[index];
    // A JSON array has no useful line numbers; the row's position (from 1) stands in for one.
    const line = index + 1;
    if (!isPlainObject(value)) yield { kind: 'unreadable', error: { line, field: '(row)', message: 'must be a JSON object' } };
    else yield { kind: 'record', record: { line, values: value } };
  }
}
