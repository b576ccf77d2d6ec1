import { ApiProblem, problemFromAnswer } from './api-problem';

/** A page of a list endpoint: `GET /x?limit&cursor` answers this. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A decoded answer with the entity tag the API sent (for `If-Match` on the next update). */
export interface Answer<T> {
  data: T;
  etag: string | null;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  ifMatch?: string | null;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** The REST API of ads-data-api as the dashboard uses it: bearer key, JSON, problem documents. */
export interface ApiClient {
  request<T>(method: string, path: string, options?: RequestOptions): Promise<Answer<T>>;
  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<Answer<T>>;
  list<T>(path: string, query?: Query, signal?: AbortSignal): Promise<Page<T>>;
  create<T>(path: string, body: unknown): Promise<Answer<T>>;
  update<T>(path: string, body: unknown, etag: string | null): Promise<Answer<T>>;
  post<T>(path: string, body?: unknown): Promise<Answer<T>>;
  /** A file the API answers as an attachment (CSV…), with the name it gives in Content-Disposition. */
  download(path: string, query?: Query): Promise<{ file: Blob; fileName: string }>;
}

/** The file name of a `Content-Disposition: attachment; filename="…"` header, or `fallback`. */
function fileNameOf(contentDisposition: string | null, fallback: string): string {
  return /filename="([^"]+)"/.exec(contentDisposition ?? '')?.[1] ?? fallback;
}

export function queryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** A random key for `Idempotency-Key`; crypto.randomUUID exists only in secure contexts. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * A small fetch wrapper. `onUnauthorized` runs on a 401 (key revoked or unknown) so that the
 * app can sign out; the problem is thrown all the same.
 */
export function createApiClient(options: { baseUrl: string; apiKey: string; onUnauthorized?: (problem: ApiProblem) => void }): ApiClient {
  async function send(method: string, path: string, requestOptions: RequestOptions, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept, authorization: `Bearer ${options.apiKey}` };
    if (requestOptions.body !== undefined) headers['content-type'] = 'application/json';
    if (requestOptions.ifMatch) headers['if-match'] = requestOptions.ifMatch;
    if (requestOptions.idempotencyKey) headers['idempotency-key'] = requestOptions.idempotencyKey;
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}${path}${queryString(requestOptions.query)}`, {
        method,
        headers,
        body: requestOptions.body === undefined ? null : JSON.stringify(requestOptions.body),
        signal: requestOptions.signal ?? null,
        cache: 'no-store',
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiProblem(0, 'NETWORK', `the API does not answer (${(error as Error).message})`);
    }
    if (!response.ok) {
      const problem = problemFromAnswer(response.status, response.statusText, await bodyOf(response));
      if (response.status === 401) options.onUnauthorized?.(problem);
      throw problem;
    }
    return response;
  }

  async function request<T>(method: string, path: string, requestOptions: RequestOptions = {}): Promise<Answer<T>> {
    const response = await send(method, path, requestOptions, 'application/json');
    return { data: (await bodyOf(response)) as T, etag: response.headers.get('etag') };
  }

  return {
    request,
    get: (path, query, signal) => request('GET', path, { query, signal }),
    list: async <T>(path: string, query?: Query, signal?: AbortSignal) => {
      const { data } = await request<Page<T> | T[]>('GET', path, { query, signal });
      // Tolerates a bare array, so that a list endpoint without pagination still shows.
      if (Array.isArray(data)) return { items: data, nextCursor: null };
      return { items: data.items ?? [], nextCursor: data.nextCursor ?? null };
    },
    create: (path, body) => request('POST', path, { body, idempotencyKey: newIdempotencyKey() }),
    update: (path, body, etag) => request('PATCH', path, { body, ifMatch: etag }),
    post: (path, body) => request('POST', path, { body: body ?? {}, idempotencyKey: newIdempotencyKey() }),
    download: async (path, query) => {
      const response = await send('GET', path, { query }, '*/*');
      return { file: await response.blob(), fileName: fileNameOf(response.headers.get('content-disposition'), 'download') };
    },
  };
}
