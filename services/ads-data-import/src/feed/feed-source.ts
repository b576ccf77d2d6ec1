import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable, Transform, pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { FeedFormatError, FeedSourceError } from '../errors';

export type FeedFormat = 'csv' | 'json' | 'jsonl';
export const FEED_FORMATS: readonly FeedFormat[] = ['csv', 'json', 'jsonl'];

/** A feed opened for reading: its body as bytes, its format, and a name safe to store. */
export interface OpenedFeed {
  /** The path or URL without credentials, stored on the import run. */
  name: string;
  format: FeedFormat;
  body: Readable;
}

export interface OpenFeedOptions {
  format?: FeedFormat | undefined;
  maxBytes: number;
  fetchTimeoutMs: number;
  signal?: AbortSignal | undefined;
}

const FORMAT_BY_EXTENSION: Record<string, FeedFormat> = { '.csv': 'csv', '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

function formatFromContentType(contentType: string | null): FeedFormat | undefined {
  if (contentType === null) return undefined;
  if (/\b(text\/csv|application\/csv)\b/i.test(contentType)) return 'csv';
  if (/\b(ndjson|jsonl|json-seq|jsonlines)\b/i.test(contentType)) return 'jsonl';
  if (/\bjson\b/i.test(contentType)) return 'json';
  return undefined;
}

function withoutCredentials(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  return shown.href;
}

/** Fails the stream once more than `maxBytes` went through, so a huge feed cannot exhaust memory. */
function byteLimit(maxBytes: number, name: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(new FeedSourceError(`feed ${name} is larger than FEED_MAX_BYTES (${maxBytes} bytes)`));
      else done(null, chunk);
    },
  });
}

function chooseFormat(name: string, explicit: FeedFormat | undefined, pathname: string, contentType: string | null): FeedFormat {
  const format = explicit ?? FORMAT_BY_EXTENSION[extname(pathname).toLowerCase()] ?? formatFromContentType(contentType);
  if (format === undefined) {
    throw new FeedFormatError(`cannot tell the format of feed ${name}: name it .csv, .json or .jsonl, serve it with a CSV or JSON content type, or pass the format`);
  }
  return format;
}

/** Opens a feed from a file path, a file: URL or an http(s) URL. */
export async function openFeedSource(source: string, options: OpenFeedOptions): Promise<OpenedFeed> {
  let url: URL | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    try {
      url = new URL(source);
    } catch {
      throw new FeedSourceError(`feed source "${source}" is not a valid URL`);
    }
  }
  if (url !== undefined && url.protocol !== 'file:') {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FeedSourceError(`feed source ${withoutCredentials(url)} must be a file path or an http(s) URL`);
    }
    return openHttpFeed(url, options);
  }
  const path = url === undefined ? source : fileURLToPath(url);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new FeedSourceError(`feed source ${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof FeedSourceError) throw error;
    throw new FeedSourceError(`feed file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  if (size > options.maxBytes) throw new FeedSourceError(`feed ${path} is larger than FEED_MAX_BYTES (${size} > ${options.maxBytes} bytes)`);
  const format = chooseFormat(path, options.format, path, null);
  return { name: path, format, body: createReadStream(path, { signal: options.signal }) };
}

async function openHttpFeed(url: URL, options: OpenFeedOptions): Promise<OpenedFeed> {
  const name = withoutCredentials(url);
  const timeout = AbortSignal.timeout(options.fetchTimeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  // Partner feeds often carry basic-auth credentials in the URL, which fetch refuses: send them as a header.
  const headers: Record<string, string> = { accept: 'text/csv, application/json, application/x-ndjson;q=0.9, */*;q=0.5' };
  if (url.username !== '' || url.password !== '') {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  let response: Response;
  try {
    response = await fetch(name, { signal, redirect: 'follow', headers });
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${options.fetchTimeoutMs} ms` : ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
    throw new FeedSourceError(`feed ${name} cannot be fetched: ${reason}`, { cause: error });
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    throw new FeedSourceError(`feed ${name} answered HTTP ${response.status}`);
  }
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (length > options.maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw new FeedSourceError(`feed ${name} is larger than FEED_MAX_BYTES (${length} > ${options.maxBytes} bytes)`);
  }
  let format: FeedFormat;
  try {
    format = chooseFormat(name, options.format, url.pathname, response.headers.get('content-type'));
  } catch (error) {
    await response.body.cancel().catch(() => undefined);
    throw error;
  }
  const body = byteLimit(options.maxBytes, name);
  // pipeline, not pipe: a network error mid-body must reach the reader as an error, not an early end.
  pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), body, () => undefined);
  return { name, format, body };
}
