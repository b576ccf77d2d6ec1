import { createInterface } from 'node:readline';
import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { boundedText } from '../domain/bounded-text';
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

/** The longest CSV record read (bytes): past it a record is broken, not long. */
export const MAX_CSV_RECORD_BYTES = 1024 * 1024;
// csv-parse stops at a quote that is never closed (the rest of the file is one open cell until
// the size limit): these errors end the feed, loudly, instead of leaving its rest unread.
const FATAL_CSV_ERRORS = new Set(['CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE']);

async function* readCsv(body: Readable): AsyncGenerator<FeedItem> {
  const skipped: FeedRowError[] = [];
  let unclosed: { code: string; message: string } | undefined;
  const parser = parse({
    bom: true,
    // Feeds put together by hand mix line endings; both count as the end of a record.
    record_delimiter: ['\r\n', '\n'],
    skip_empty_lines: true,
    relax_column_count: true,
    // A quote inside an unquoted cell (`Title "9" inch`) or after a closing one is a character.
    relax_quotes: true,
    max_record_size: MAX_CSV_RECORD_BYTES,
    info: true,
    raw: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error !== undefined && FATAL_CSV_ERRORS.has(error.code)) unclosed = { code: error.code, message: error.message };
      else
        skipped.push({
          line: (error as { lines?: number } | undefined)?.lines ?? 0,
          field: '(row)',
          message: `is not valid CSV: ${error?.message ?? 'unreadable'}`,
        });
      return undefined;
    },
  });
  const utf8 = utf8Check();
  body.on('error', (error) => parser.destroy(error));
  utf8.on('error', (error) => parser.destroy(error));
  body.pipe(utf8).pipe(parser);
  // The line after the last record read: where a broken record that ends the parse begins.
  let nextLine = 1;
  let header: string[] | undefined;
  for await (const item of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    const line = item.info.lines - innerNewlines(item.raw);
    nextLine = item.info.lines + 1;
    // The parser reports skipped rows as soon as it meets them, ahead of the records before them.
    while (skipped.length > 0 && skipped[0]!.line < line) yield { kind: 'unreadable', error: skipped.shift()! };
    if (header === undefined) {
      header = item.record.map((name) => name.trim());
      const problems = checkFeedHeader(header, line);
      if (problems.length > 0) {
        parser.destroy();
        throw new FeedFormatError(
          `the feed header has ${problems.length} problem(s): ${problems.map((problem) => `${problem.field} ${problem.message}`).join('; ')}`,
          problems,
        );
      }
      continue;
    }
    if (item.record.length !== header.length) {
      yield {
        kind: 'unreadable',
        error: { line, field: '(row)', message: `has ${item.record.length} cells, the header has ${header.length}` },
      };
      continue;
    }
    const values: Record<string, unknown> = {};
    for (let index = 0; index < header.length; index += 1) values[header[index]!] = item.record[index];
    yield { kind: 'record', record: { line, values } };
  }
  while (skipped.length > 0) yield { kind: 'unreadable', error: skipped.shift()! };
  if (unclosed !== undefined) {
    const message = `has a quoted cell that is never closed (or a record over ${MAX_CSV_RECORD_BYTES} bytes) starting at or after line ${nextLine}; the rest of the feed was not read: fix the quote and import again`;
    throw new FeedFormatError(`the CSV ${message}`, [{ line: nextLine, field: '(row)', message }]);
  }
  if (header === undefined)
    throw new FeedFormatError('the feed is empty: a CSV feed starts with a header line', [
      { line: 1, field: '(header)', message: 'is missing' },
    ]);
}

/**
 * Passes the bytes through unchanged, failing the feed at the first byte that is not UTF-8
 * (named by its offset) instead of letting the parser store U+FFFD in their place.
 */
function utf8Check(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        done(notUtf8(offset, offset + chunk.length));
        return;
      }
      offset += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      try {
        decoder.decode();
        done();
      } catch {
        done(notUtf8(offset, offset));
      }
    },
  });
}

function notUtf8(from: number, to: number): FeedFormatError {
  const where = from === to ? `at its end (byte ${from})` : `between bytes ${from} and ${to}`;
  const message = `is not UTF-8: an invalid byte ${where}; save the feed as UTF-8 and import again`;
  return new FeedFormatError(`the feed ${message}`, [{ line: 0, field: '(feed)', message }]);
}

/**
 * What JSON.parse found wrong, without the piece of the text V8 quotes (`Unexpected token 'r',
 * "root:x:0:0"... is not valid JSON`): a file that is no feed must not land in the errors.
 */
function jsonSyntaxProblem(error: unknown): string {
  const message = (error as Error).message;
  const quoted = message.indexOf('"');
  return boundedText((quoted === -1 ? message : message.slice(0, quoted)).replace(/[\s,]+$/, ''));
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
    yield { kind: 'unreadable', error: { line, field: '(row)', message: `is not JSON: ${jsonSyntaxProblem(error)}` } };
    return;
  }
  if (!isPlainObject(value)) yield { kind: 'unreadable', error: { line, field: '(row)', message: 'must be a JSON object' } };
  else yield { kind: 'record', record: { line, values: value } };
}

async function* readJsonArray(body: Readable): AsyncGenerator<FeedItem> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const problem = jsonSyntaxProblem(error);
    throw new FeedFormatError(`the feed is not valid JSON: ${problem}`, [
      { line: 0, field: '(feed)', message: `is not valid JSON: ${problem}` },
    ]);
  }
  const rows = Array.isArray(document) ? document : isPlainObject(document) && Array.isArray(document.rows) ? document.rows : undefined;
  if (rows === undefined) {
    throw new FeedFormatError('a JSON feed is an array of rows, or an object with a "rows" array', [
      { line: 0, field: '(feed)', message: 'must be an array of rows or {"rows": [...]}' },
    ]);
  }
  for (let index = 0; index < rows.length; index += 1) {
    const value: unknown = rows[index];
    // A JSON array has no useful line numbers; the row's position (from 1) stands in for one.
    const line = index + 1;
    if (!isPlainObject(value)) yield { kind: 'unreadable', error: { line, field: '(row)', message: 'must be a JSON object' } };
    else yield { kind: 'record', record: { line, values: value } };
  }
}
