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

/**
 * The body of an HTTP feed as a Node stream that waits at most `idleMs` for bytes each time it
 * asks for some. The clock runs only while a read is pending: when the import itself is slow
 * (imports.upsertRows paces it) nothing is asked of the server, so nothing counts against it.
 * Every way it can stop (end, network error, idle timeout, shutdown) ends or errors the stream
 * itself, so that its reader never waits on a fetch that was aborted behind its back.
 */
class HttpFeedBody extends Readable {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private idleTimer: NodeJS.Timeout | undefined;
  private received = 0;
  private readonly onAbort = (): void => {
    this.destroy(new DOMException(`the read of feed ${this.feedName} was aborted`, { name: 'AbortError', cause: this.signal?.reason }));
  };

  constructor(
    body: ReadableStream<Uint8Array>,
    private readonly feedName: string,
    private readonly idleMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    super();
    this.reader = body.getReader();
    if (signal?.aborted === true) queueMicrotask(this.onAbort);
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  override _read(): void {
    this.idleTimer = setTimeout(() => {
      this.destroy(new FeedSourceError(`feed ${this.feedName} sent nothing for FEED_FETCH_TIMEOUT_MS (${this.idleMs} ms) after ${this.received} bytes`));
    }, this.idleMs);
    this.reader.read().then(
      (result) => {
        clearTimeout(this.idleTimer);
        if (this.destroyed) return;
        if (result.done) this.push(null);
        else {
          this.received += result.value.byteLength;
          this.push(result.value);
        }
      },
      (error: unknown) => {
        clearTimeout(this.idleTimer);
        // fetch errors the body when the shutdown signal aborts it: that is an abort, not a broken feed.
        if (this.signal?.aborted === true) return this.onAbort();
        const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        this.destroy(new FeedSourceError(`feed ${this.feedName} broke off after ${this.received} bytes: ${reason}`, { cause: error }));
      },
    );
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    this.signal?.removeEventListener('abort', this.onAbort);
    // Cancelling the body closes the connection; after a normal end it does nothing.
    this.reader.cancel(error ?? undefined).catch(() => undefined);
    done(error);
  }
}

async function openHttpFeed(url: URL, options: OpenFeedOptions): Promise<OpenedFeed> {
  const name = withoutCredentials(url);
  // The deadline covers the answer (status and headers) only: reading a big feed takes as long
  // as the import does. The body has its own idle limit (HttpFeedBody).
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.fetchTimeoutMs);
  const signal = options.signal === undefined ? deadline.signal : AbortSignal.any([deadline.signal, options.signal]);
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
    const reason = deadline.signal.aborted
      ? `no answer within FEED_FETCH_TIMEOUT_MS (${options.fetchTimeoutMs} ms)`
      : ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
    throw new FeedSourceError(`feed ${name} cannot be fetched: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
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
  pipeline(new HttpFeedBody(response.body, name, options.fetchTimeoutMs, options.signal), body, () => undefined);
  return { name, format, body };
}
