import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallContext, MethodContract, RouterContract, RouterHandlers } from './contract.js';
import { RPC_ERROR_CODES, type RpcErrorCode } from './error-codes.js';
import { RpcError, describeIssues, fieldIssuesOf } from './rpc-error.js';
import type { Serializer } from './serializers.js';
import { jsonSerializer, serializerForAccept, serializerForContentType } from './serializers.js';
import { PreEncodedResult } from './pre-encoded-result.js';
import { renderDocsPage, type DocsPageOptions } from './docs-page.js';
import { describeRouter, type RouterDescription } from './router-description.js';

export interface RpcServerOptions {
  /** Title and version shown in the self-description and the docs page. */
  title: string;
  version: string;
  logger?: Logger;
  /** Largest request body accepted, in bytes (default 1 MB). */
  maxBodyBytes?: number;
  /** Most calls accepted in one batch (default 100). */
  maxBatchSize?: number;
  /**
   * Deepest nesting of arrays and objects accepted in `params` (default 32): deeper params are
   * INVALID_PARAMS naming the first field too deep, before any schema or handler sees them.
   */
  maxParamsDepth?: number;
  /** Check results against the output schema (default true; the hot path may turn it off). */
  validateOutput?: boolean;
  /**
   * Decides who is calling; throw RpcError UNAUTHORIZED or FORBIDDEN to refuse the call.
   * Its result reaches handlers as `context.principal`.
   */
  authenticate?: (context: Omit<CallContext, 'principal'>, method: MethodContract) => unknown;
  /** Extra headers on every answer (for example CORS). */
  responseHeaders?: Record<string, string>;
  /** What the `/docs` page says about authentication. */
  docs?: DocsPageOptions;
  /** Extra headers on the answer to OPTIONS (a CORS preflight), besides `responseHeaders`. */
  preflightHeaders?: Record<string, string>;
}

interface RegisteredMethod {
  name: string;
  contract: MethodContract;
  handler: (input: unknown, context: CallContext) => unknown;
}

/** An HTTP request as the backends hand it to the server, body already read. */
export interface RpcHttpRequest {
  method: string;
  /** Path below the mount point: `/`, `/health`, `/describe` or `/docs`. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export interface RpcHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

interface CallMeta {
  requestId: string;
  token: string | undefined;
  headers: RpcHttpRequest['headers'];
}

interface JsonRpcCall {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

type JsonRpcAnswer =
  | { jsonrpc: '2.0'; id: unknown; result: unknown }
  | { jsonrpc: '2.0'; id: unknown; error: { code: number; message: string; data: { code: string; [key: string]: unknown } } };

/**
 * The transport-independent RPC server: it takes a request whose body is read and returns the
 * answer. The node:http and express backends only move bytes in and out of it.
 */
export class RpcServer<Contract extends RouterContract = RouterContract> {
  readonly maxBodyBytes: number;
  private readonly methods = new Map<string, RegisteredMethod>();
  private readonly maxBatchSize: number;
  private readonly maxParamsDepth: number;
  private readonly validateOutput: boolean;
  private descriptionCache: { json: string; html: string } | undefined;
  private readonly answerHeaders = new Map<Serializer, Record<string, string>>();

  constructor(
    readonly contract: Contract,
    handlers: RouterHandlers<Contract>,
    private readonly options: RpcServerOptions,
  ) {
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.maxBatchSize = options.maxBatchSize ?? 100;
    this.maxParamsDepth = options.maxParamsDepth ?? 32;
    this.validateOutput = options.validateOutput ?? true;
    for (const [namespace, methods] of Object.entries(contract)) {
      const namespaceHandlers = (handlers as Record<string, Record<string, RegisteredMethod['handler']>>)[namespace];
      for (const [name, methodContract] of Object.entries(methods)) {
        const handler = namespaceHandlers?.[name];
        if (typeof handler !== 'function') {
          throw new TypeError(`RPC method ${namespace}.${name} has no handler`);
        }
        const fullName = `${namespace}.${name}`;
        this.methods.set(fullName, { name: fullName, contract: methodContract, handler });
      }
    }
  }

  /** The OpenRPC-style self-description of every method. */
  describe(): RouterDescription {
    return describeRouter(this.contract, { title: this.options.title, version: this.options.version });
  }

  /**
   * Answers one HTTP request. The answer is synchronous when the method's handler is (the hot
   * path then pays no promise turns); otherwise a promise.
   */
  handle(request: RpcHttpRequest): RpcHttpResponse | Promise<RpcHttpResponse> {
    if (request.method === 'GET' || request.method === 'HEAD') return this.handleGet(request.path);
    if (request.method === 'OPTIONS') return { status: 204, headers: this.headers(this.options.preflightHeaders ?? {}), body: '' };
    if (request.method !== 'POST' || (request.path !== '/' && request.path !== '')) {
      return this.errorResponse(jsonSerializer, new RpcError('METHOD_NOT_FOUND', `no RPC route ${request.method} ${request.path}`));
    }
    const requestSerializer = serializerForContentType(header(request.headers, 'content-type'));
    if (requestSerializer === undefined) {
      return this.errorResponse(
        jsonSerializer,
        new RpcError(
          'UNSUPPORTED_MEDIA_TYPE',
          `Content-Type must be application/json or application/msgpack, got ${header(request.headers, 'content-type') ?? 'none'}`,
        ),
      );
    }
    const responseSerializer = serializerForAccept(header(request.headers, 'accept'), requestSerializer);
    if (responseSerializer === undefined) {
      return this.errorResponse(
        jsonSerializer,
        new RpcError('NOT_ACCEPTABLE', 'Accept must allow application/json or application/msgpack'),
      );
    }
    if (request.body.byteLength > this.maxBodyBytes) {
      return this.errorResponse(responseSerializer, this.tooLarge());
    }
    let payload: unknown;
    try {
      payload = requestSerializer.decode(request.body);
    } catch (error) {
      return this.errorResponse(
        responseSerializer,
        new RpcError('PARSE_ERROR', `request body is not valid ${requestSerializer.name}: ${(error as Error).message}`),
      );
    }
    const token = bearerToken(header(request.headers, 'authorization'));
    const requestId = header(request.headers, 'x-request-id') ?? nextRequestId();

    if (Array.isArray(payload)) {
      if (payload.length === 0 || payload.length > this.maxBatchSize) {
        return this.errorResponse(
          responseSerializer,
          new RpcError('INVALID_REQUEST', `a batch holds 1 to ${this.maxBatchSize} calls, got ${payload.length}`),
        );
      }
      return Promise.all(
        payload.map((call, index) =>
          Promise.resolve(this.call(call as JsonRpcCall, { requestId: `${requestId}:${index}`, token, headers: request.headers })),
        ),
      ).then((answers) => this.encodeResults(responseSerializer, requestId, 200, answers));
    }
    const answer = this.call(payload as JsonRpcCall, { requestId, token, headers: request.headers });
    return answer instanceof Promise
      ? answer.then((settled) => this.encodeAnswer(responseSerializer, requestId, settled))
      : this.encodeAnswer(responseSerializer, requestId, answer);
  }

  /** The answer for a body over the limit, for backends that stop reading early. */
  tooLargeResponse(): RpcHttpResponse {
    return this.errorResponse(jsonSerializer, this.tooLarge());
  }

  private tooLarge(): RpcError {
    return new RpcError('PAYLOAD_TOO_LARGE', `request body is larger than ${this.maxBodyBytes} bytes`);
  }

  private call(call: JsonRpcCall, meta: CallMeta): JsonRpcAnswer | Promise<JsonRpcAnswer> {
    if (call === null || typeof call !== 'object' || Array.isArray(call)) {
      return errorAnswer(null, new RpcError('INVALID_REQUEST', 'a call must be a JSON-RPC object'));
    }
    const id = typeof call.id === 'string' || typeof call.id === 'number' ? call.id : null;
    if (call.jsonrpc !== '2.0') {
      return errorAnswer(
        id,
        new RpcError('INVALID_REQUEST', 'field "jsonrpc" must be "2.0"', {
          data: { issues: [{ path: ['jsonrpc'], message: 'must be "2.0"', code: 'invalid_value' }] },
        }),
      );
    }
    if (typeof call.method !== 'string') {
      return errorAnswer(id, new RpcError('INVALID_REQUEST', 'field "method" must be a string such as "namespace.method"'));
    }
    const registered = this.methods.get(call.method);
    if (registered === undefined) {
      return errorAnswer(id, new RpcError('METHOD_NOT_FOUND', `no method "${call.method.slice(0, 200)}"`));
    }
    const context: CallContext = {
      requestId: meta.requestId,
      method: registered.name,
      token: meta.token,
      headers: meta.headers,
      principal: undefined,
    };
    const authenticate = this.options.authenticate;
    if (authenticate === undefined) return this.invoke(registered, id, call.params, context);
    return (async () => {
      try {
        context.principal = await authenticate(context, registered.contract);
      } catch (error) {
        return this.failure(registered, id, error, context);
      }
      return this.invoke(registered, id, call.params, context);
    })();
  }

  /** Validates the params, runs the handler and checks its result; synchronous when the handler is. */
  private invoke(registered: RegisteredMethod, id: unknown, params: unknown, context: CallContext): JsonRpcAnswer | Promise<JsonRpcAnswer> {
    try {
      const contract = registered.contract;
      let input = contract.fastInput?.(params ?? {});
      if (input === undefined) {
        // Only here: what fastInput accepted has the schema's shape, so its depth is bounded.
        const tooDeep = pathBeyondDepth(params, this.maxParamsDepth);
        if (tooDeep !== undefined) {
          const issues = [{ path: tooDeep, message: `nested deeper than ${this.maxParamsDepth} levels`, code: 'too_deep' }];
          return errorAnswer(id, new RpcError('INVALID_PARAMS', `invalid params: ${describeIssues(issues)}`, { data: { issues } }));
        }
        const parsed = contract.input.safeParse(params ?? {});
        if (!parsed.success) {
          const issues = fieldIssuesOf(parsed.error);
          return errorAnswer(id, new RpcError('INVALID_PARAMS', `invalid params: ${describeIssues(issues)}`, { data: { issues } }));
        }
        input = parsed.data;
      }
      const result = registered.handler(input, context);
      if (result instanceof Promise) {
        return result.then(
          (value: unknown) => this.success(registered, id, value, context),
          (error: unknown) => this.failure(registered, id, error, context),
        );
      }
      return this.success(registered, id, result, context);
    } catch (error) {
      return this.failure(registered, id, error, context);
    }
  }

  private success(registered: RegisteredMethod, id: unknown, result: unknown, context: CallContext): JsonRpcAnswer {
    if (this.validateOutput) {
      try {
        const plain = result instanceof PreEncodedResult ? (result.value as unknown) : result;
        const checked = registered.contract.output.safeParse(plain);
        if (!checked.success) throw new RpcError('INTERNAL', 'handler result does not match the output schema', { cause: checked.error });
        // A pre-encoded text stays as it is: it encodes the value just checked.
        if (!(result instanceof PreEncodedResult)) result = checked.data;
      } catch (error) {
        // Also a pre-encoded text that is not JSON at all.
        return this.failure(registered, id, error, context);
      }
    }
    return { jsonrpc: '2.0', id, result: result === undefined ? null : result };
  }

  private failure(registered: RegisteredMethod, id: unknown, error: unknown, context: CallContext): JsonRpcAnswer {
    if (error instanceof RpcError && error.code !== 'INTERNAL') return errorAnswer(id, error);
    this.options.logger?.error({ err: error, requestId: context.requestId, method: registered.name }, 'RPC method failed');
    return errorAnswer(id, new RpcError('INTERNAL', 'internal error', { data: { requestId: context.requestId } }));
  }

  private handleGet(path: string): RpcHttpResponse {
    if (path === '/health') {
      return { status: 200, headers: this.headers({ 'content-type': 'application/json' }), body: '{"status":"ok"}' };
    }
    if (path === '/describe' || path === '/docs') {
      this.descriptionCache ??= (() => {
        const description = this.describe();
        return { json: JSON.stringify(description), html: renderDocsPage(description, this.options.docs) };
      })();
      return path === '/describe'
        ? { status: 200, headers: this.headers({ 'content-type': 'application/json' }), body: this.descriptionCache.json }
        : { status: 200, headers: this.headers({ 'content-type': 'text/html; charset=utf-8' }), body: this.descriptionCache.html };
    }
    return this.errorResponse(jsonSerializer, new RpcError('METHOD_NOT_FOUND', `no RPC route GET ${path.slice(0, 200)}`));
  }

  private errorResponse(serializer: Serializer, error: RpcError): RpcHttpResponse {
    return this.encode(serializer, error.httpStatus, errorAnswer(null, error));
  }

  private encodeAnswer(serializer: Serializer, requestId: string, answer: JsonRpcAnswer): RpcHttpResponse {
    const status = 'error' in answer ? RPC_ERROR_CODES[answer.error.data.code as RpcErrorCode].httpStatus : 200;
    if (status === 503) return withRetryAfter(this.encodeResults(serializer, requestId, status, answer), answer);
    if (serializer === jsonSerializer && 'result' in answer && answer.result instanceof PreEncodedResult) {
      // JSON.stringify(id) is exact for the string and number ids call() keeps.
      return {
        status,
        headers: this.contentHeaders(serializer),
        body: `{"jsonrpc":"2.0","id":${JSON.stringify(answer.id)},"result":${answer.result.json}}`,
      };
    }
    return this.encodeResults(serializer, requestId, status, answer);
  }

  /**
   * Encodes one answer or a batch of them. A result the serializer cannot encode (a BigInt, a
   * cycle, a pre-encoded text that is not JSON) becomes an INTERNAL answer, never a throw out
   * of handle(): a backend would have no answer to send.
   */
  private encodeResults(
    serializer: Serializer,
    requestId: string,
    status: number,
    value: JsonRpcAnswer | JsonRpcAnswer[],
  ): RpcHttpResponse {
    try {
      // MessagePack would encode a PreEncodedResult's fields, so its answers are made plain
      // first (JSON.stringify does this itself through toJSON).
      const plain = serializer === jsonSerializer ? value : Array.isArray(value) ? value.map(plainAnswer) : plainAnswer(value);
      return this.encode(serializer, status, plain);
    } catch (error) {
      this.options.logger?.error({ err: error, requestId }, 'RPC answer could not be encoded');
      return this.errorResponse(jsonSerializer, new RpcError('INTERNAL', 'internal error', { data: { requestId } }));
    }
  }

  private encode(serializer: Serializer, status: number, value: unknown): RpcHttpResponse {
    return { status, headers: this.contentHeaders(serializer), body: serializer.encode(value) };
  }

  /** The headers of an answer in `serializer`'s format, made once per format. */
  private contentHeaders(serializer: Serializer): Record<string, string> {
    let headers = this.answerHeaders.get(serializer);
    if (headers === undefined) {
      headers = this.headers({ 'content-type': serializer.contentType });
      this.answerHeaders.set(serializer, headers);
    }
    return headers;
  }

  private headers(headers: Record<string, string>): Record<string, string> {
    return this.options.responseHeaders === undefined ? headers : { ...this.options.responseHeaders, ...headers };
  }
}

// Request ids are a per-process prefix and a counter: unique, and far cheaper than a UUID per call.
const requestIdPrefix = randomBytes(4).toString('hex');
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${requestIdPrefix}-${requestCounter}`;
}

interface DepthFrame {
  value: object;
  depth: number;
  parent: DepthFrame | undefined;
  key: string | number;
}

/**
 * The path of the first array or object nested deeper than `maxDepth` (params themselves are
 * depth 0), or undefined. Iterative, so a hostile depth cannot overflow the stack.
 */
function pathBeyondDepth(params: unknown, maxDepth: number): (string | number)[] | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const stack: DepthFrame[] = [{ value: params, depth: 0, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > maxDepth) {
      const path: (string | number)[] = [];
      for (let at: DepthFrame | undefined = frame; at?.parent !== undefined; at = at.parent) path.unshift(at.key);
      return path;
    }
    const value = frame.value as Record<string, unknown> | unknown[];
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index += 1) {
        const child = value[index];
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth: frame.depth + 1, parent: frame, key: index });
      }
    } else {
      for (const key of Object.keys(value)) {
        const child = value[key];
        if (child !== null && typeof child === 'object') stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return undefined;
}

/** A 503 whose error data carries `retryAfterSeconds` says so in `Retry-After` too. */
function withRetryAfter(response: RpcHttpResponse, answer: JsonRpcAnswer): RpcHttpResponse {
  const retryAfter = 'error' in answer ? answer.error.data.retryAfterSeconds : undefined;
  if (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 0) return response;
  return { ...response, headers: { ...response.headers, 'retry-after': String(retryAfter) } };
}

function plainAnswer(answer: JsonRpcAnswer): JsonRpcAnswer {
  return 'result' in answer && answer.result instanceof PreEncodedResult ? { ...answer, result: answer.result.value } : answer;
}

function errorAnswer(id: unknown, error: RpcError): JsonRpcAnswer {
  const data = error.data !== null && typeof error.data === 'object' ? { ...error.data, code: error.code } : { code: error.code };
  return { jsonrpc: '2.0', id, error: { code: error.jsonRpcCode, message: error.message, data } };
}

function header(headers: RpcHttpRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  return match?.[1];
}

/** Mounts a contract and its handlers; the result is served by a backend. */
export function createRpcServer<Contract extends RouterContract>(
  contract: Contract,
  handlers: RouterHandlers<Contract>,
  options: RpcServerOptions,
): RpcServer<Contract> {
  return new RpcServer(contract, handlers, options);
}
