import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { Readable, Transform, pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type Response, fetch } from 'undici';
import { boundedText } from '../domain/bounded-text';
import { FeedFormatError, FeedSourceError, FeedSourceRefusedError } from '../errors';
import { type FeedAccessPolicy, checkFeedUrl, feedDispatcher, refusalIn } from './feed-address-guard';
import { openLocalFeedFile } from './local-feed-file';

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
  /** Which hosts and which local folder feeds may come from (FEED_ALLOWED_HOSTS, FEED_LOCAL_DIR). */
  access: FeedAccessPolicy;
  signal?: AbortSignal | undefined;
}

/** HTTP statuses that send the client elsewhere with a Location header. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

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

/** How a source is named on its import run before it is opened: a URL without its credentials. */
export function feedSourceName(source: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(source)) return source;
  try {
    return withoutCredentials(new URL(source));
  } catch {
    return source;
  }
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
    throw new FeedFormatError(
      `cannot tell the format of feed ${name}: name it .csv, .json or .jsonl, serve it with a CSV or JSON content type, or pass the format`,
    );
  }
  return format;
}

/**
 * Opens a feed from an http(s) URL, or from a file path or `file:` URL inside FEED_LOCAL_DIR.
 * Anything else, and any URL reaching this host, a private network or a cloud metadata service
 * (unless the operator allowed its host), is refused with FeedSourceRefusedError.
 */
export async function openFeedSource(source: string, options: OpenFeedOptions): Promise<OpenedFeed> {
  let url: URL | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^file:/i.test(source)) {
    try {
      url = new URL(source);
    } catch {
      throw new FeedSourceError(`feed source "${boundedText(source)}" is not a valid URL`);
    }
  }
  if (url !== undefined && url.protocol !== 'file:') {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FeedSourceRefusedError(`feed source ${boundedText(withoutCredentials(url))} must be a file path or an http(s) URL`);
    }
    return openHttpFeed(url, options);
  }
  let path: string;
  try {
    path = url === undefined ? source : fileURLToPath(url);
  } catch (error) {
    // A file: URL naming another machine (file://host/...).
    throw new FeedSourceRefusedError(`feed source ${boundedText(source)} is not a local file: ${(error as Error).message}`);
  }
  const file = await openLocalFeedFile(path, options.access.localDir);
  if (file.size > options.maxBytes) {
    await file.handle.close();
    throw new FeedSourceError(`feed ${file.path} is larger than FEED_MAX_BYTES (${file.size} > ${options.maxBytes} bytes)`);
  }
  let format: FeedFormat;
  try {
    format = chooseFormat(file.path, options.format, file.path, null);
  } catch (error) {
    await file.handle.close();
    throw error;
  }
  return { name: file.path, format, body: createReadStream(file.path, { fd: file.handle, signal: options.signal }) };
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
      this.destroy(
        new FeedSourceError(
          `feed ${this.feedName} sent nothing for FEED_FETCH_TIMEOUT_MS (${this.idleMs} ms) after ${this.received} bytes`,
        ),
      );
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

/**
 * Fetches a feed, following redirects by hand (at most FEED_MAX_REDIRECTS) so that every hop is
 * checked like the first URL: its scheme and host here, and the addresses a host name resolves
 * to by the dispatcher's lookup, on the very resolution the socket connects to.
 */
async function fetchFeed(url: URL, name: string, options: OpenFeedOptions, signal: AbortSignal): Promise<Response> {
  // Partner feeds often carry basic-auth credentials in the URL, which fetch refuses: send them
  // as a header, and to the feed's own origin only (as fetch does with credentials on redirects).
  const accept = 'text/csv, application/json, application/x-ndjson;q=0.9, */*;q=0.5';
  let authorization: string | undefined;
  if (url.username !== '' || url.password !== '') {
    authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  }
  let hop = new URL(withoutCredentials(url));
  for (let redirects = 0; ; redirects += 1) {
    const where = redirects === 0 ? `feed ${name}` : `feed ${name} redirected to ${boundedText(hop.href)}, which`;
    const checked = checkFeedUrl(hop, options.access);
    if ('refused' in checked) throw new FeedSourceRefusedError(`${where} is refused: ${checked.refused}`);
    const headers: Record<string, string> = { accept };
    if (authorization !== undefined && hop.origin === url.origin) headers.authorization = authorization;
    let response: Response;
    try {
      response = await fetch(hop, { signal, redirect: 'manual', headers, dispatcher: feedDispatcher(checked.allowedByOperator) });
    } catch (error) {
      const refusal = refusalIn(error);
      if (refusal !== undefined) throw new FeedSourceRefusedError(`${where} is refused: ${refusal.message}`, { cause: error });
      throw error;
    }
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    if (redirects >= options.access.maxRedirects) {
      throw new FeedSourceRefusedError(`feed ${name} redirected more than FEED_MAX_REDIRECTS (${options.access.maxRedirects}) times`);
    }
    let next: URL;
    try {
      next = new URL(location, hop);
    } catch {
      throw new FeedSourceError(`feed ${name} redirected to "${boundedText(location)}", which is not a URL`);
    }
    hop = new URL(withoutCredentials(next));
  }
}

async function openHttpFeed(url: URL, options: OpenFeedOptions): Promise<OpenedFeed> {
  const name = withoutCredentials(url);
  // The deadline covers the answer (status and headers, every redirect) only: reading a big
  // feed takes as long as the import does. The body has its own idle limit (HttpFeedBody).
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.fetchTimeoutMs);
  const signal = options.signal === undefined ? deadline.signal : AbortSignal.any([deadline.signal, options.signal]);
  let response: Response;
  try {
    response = await fetchFeed(url, name, options, signal);
  } catch (error) {
    if (error instanceof FeedSourceError || error instanceof FeedSourceRefusedError) throw error;
    const reason = deadline.signal.aborted
      ? `no answer within FEED_FETCH_TIMEOUT_MS (${options.fetchTimeoutMs} ms)`
      : (((error as Error).cause as Error | undefined)?.message ?? (error as Error).message);
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
