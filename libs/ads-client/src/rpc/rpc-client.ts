import { Agent, errors as undiciErrors, request } from 'undici';
import { z } from 'zod';
import type { CallOptions, MethodContract, RouterClient, RouterContract } from './contract.js';
import { codeFromJsonRpcNumber, isRpcErrorCode } from './error-codes.js';
import type { FieldIssue } from './rpc-error.js';
import { InvalidParamsError, RpcError, describeIssues, fieldIssuesOf, rpcErrorFromWire } from './rpc-error.js';
import type { RouterDescription } from './router-description.js';
import type { Serializer } from './serializers.js';
import { jsonSerializer, msgpackSerializer } from './serializers.js';
import { ServerPool } from './server-pool.js';

export interface RpcClientOptions {
  /** Base URLs of the servers' RPC mount, e.g. `http://127.0.0.1:4000/rpc`. */
  urls: readonly string[];
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Default deadline of a call, over all attempts (default 5 s). */
  timeoutMs?: number;
  serializer?: 'json' | 'msgpack';
  /** How long a failing server stays out of the rotation (default 5 s). */
  cooldownMs?: number;
  /** Keep-alive connections per server (default 16). */
  connectionsPerServer?: number;
}

/** A call's outcome in a batch: results come back in the order of the calls. */
export type BatchOutcome = { ok: true; result: unknown } | { ok: false; error: RpcError };

interface MethodShape {
  idempotent: boolean;
  validate: ((params: unknown) => FieldIssue[] | undefined) | undefined;
  parseResult: ((result: unknown) => unknown) | undefined;
}

const CONNECTION_FAILURE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
// A refused connection proves the request never arrived, so even a non-idempotent call may move on.
const NEVER_DELIVERED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * The transport shared by typed and dynamic clients: serialization, round-robin, ejection,
 * deadlines, keep-alive and retries for idempotent methods.
 */
export class RpcTransport {
  private readonly pool: ServerPool;
  private readonly agent: Agent;
  private readonly serializer: Serializer;
  private readonly timeoutMs: number;
  private nextId = 1;

  constructor(private readonly options: RpcClientOptions) {
    this.pool = new ServerPool(
      options.urls.map((url) => url.replace(/\/$/, '')),
      options.cooldownMs,
    );
    this.agent = new Agent({ connections: options.connectionsPerServer ?? 16, keepAliveTimeout: 30_000 });
    this.serializer = options.serializer === 'msgpack' ? msgpackSerializer : jsonSerializer;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  get urls(): readonly string[] {
    return this.pool.urls;
  }

  async call(name: string, params: unknown, shape: MethodShape, callOptions: CallOptions = {}): Promise<unknown> {
    if (shape.validate !== undefined) {
      const issues = shape.validate(params);
      if (issues !== undefined) throw new InvalidParamsError(`invalid params for ${name}: ${describeIssues(issues)}`, issues);
    }
    const body = this.serializer.encode({ jsonrpc: '2.0', id: this.nextId++, method: name, params });
    const answer = await this.send(body, shape.idempotent, callOptions, name);
    const single = answer as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    if (single.error !== undefined) throw errorFromAnswer(single.error);
    return shape.parseResult === undefined ? single.result : shape.parseResult(single.result);
  }

  /** Sends several calls in one request; a failing call does not fail the others. */
  async batch(calls: { method: string; params: unknown }[], callOptions: CallOptions = {}, idempotent = false): Promise<BatchOutcome[]> {
    const firstId = this.nextId;
    this.nextId += calls.length;
    const body = this.serializer.encode(
      calls.map((call, index) => ({ jsonrpc: '2.0', id: firstId + index, method: call.method, params: call.params })),
    );
    const answers = await this.send(body, idempotent, callOptions, 'batch');
    if (!Array.isArray(answers)) throw errorFromAnswer((answers as { error: { code: number; message: string; data?: unknown } }).error);
    type WireAnswer = { id: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };
    const byId = new Map<unknown, WireAnswer>((answers as WireAnswer[]).map((answer) => [answer.id, answer]));
    return calls.map((_, index) => {
      const answer = byId.get(firstId + index);
      if (answer === undefined) return { ok: false, error: new RpcError('INTERNAL', 'the server sent no answer for this call') };
      return answer.error !== undefined ? { ok: false, error: errorFromAnswer(answer.error) } : { ok: true, result: answer.result };
    });
  }

  /** GETs a path below a server's mount (used for `describe` and `health`). */
  async get(path: string, callOptions: CallOptions = {}): Promise<unknown> {
    const answer = await this.attempt(path, 'GET', undefined, true, callOptions, path);
    return answer;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private send(body: Uint8Array | string, idempotent: boolean, callOptions: CallOptions, name: string): Promise<unknown> {
    return this.attempt('', 'POST', body, idempotent, callOptions, name);
  }

  private async attempt(
    path: string,
    httpMethod: 'GET' | 'POST',
    body: Uint8Array | string | undefined,
    idempotent: boolean,
    callOptions: CallOptions,
    name: string,
  ): Promise<unknown> {
    const deadline = AbortSignal.timeout(callOptions.timeoutMs ?? this.timeoutMs);
    const signal = callOptions.signal === undefined ? deadline : AbortSignal.any([deadline, callOptions.signal]);
    const tried = new Set<number>();
    let lastError: RpcError | undefined;
    for (;;) {
      const index = this.pool.pick(tried);
      if (index === undefined) {
        throw lastError ?? new RpcError('UNAVAILABLE', `no server left to try for ${name}`);
      }
      tried.add(index);
      const url = `${this.pool.urls[index]}${path}`;
      try {
        const response = await request(url, {
          method: httpMethod,
          dispatcher: this.agent,
          signal,
          headers: {
            ...(body === undefined ? {} : { 'content-type': this.serializer.contentType }),
            accept: this.serializer.contentType,
            ...(this.options.token === undefined ? {} : { authorization: `Bearer ${this.options.token}` }),
          },
          body: typeof body === 'string' || body === undefined ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        });
        const contentType = String(response.headers['content-type'] ?? '');
        const raw = new Uint8Array(await response.body.arrayBuffer());
        this.pool.readmit(index);
        const decoded = contentType.includes('msgpack') ? msgpackSerializer.decode(raw) : jsonSerializer.decode(raw);
        if (response.statusCode === 503 && idempotent) {
          lastError = errorFromAnswer((decoded as { error: { code: number; message: string } }).error);
          continue;
        }
        return decoded;
      } catch (error) {
        if (deadline.aborted) throw new RpcError('TIMEOUT', `${name} got no answer within the deadline`, { cause: error });
        if (callOptions.signal?.aborted) throw new RpcError('UNAVAILABLE', `${name} was cancelled`, { cause: error });
        const code = errorCode(error);
        if (!CONNECTION_FAILURE_CODES.has(code) && !(error instanceof undiciErrors.SocketError)) {
          throw new RpcError('INTERNAL', `${name} failed: ${(error as Error).message}`, { cause: error });
        }
        this.pool.eject(index);
        lastError = new RpcError('UNAVAILABLE', `${name}: server ${this.pool.urls[index]} unreachable (${code})`, { cause: error });
        if (!idempotent && !NEVER_DELIVERED_CODES.has(code)) throw lastError;
      }
    }
  }
}

function errorCode(error: unknown): string {
  const direct = (error as { code?: string }).code;
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return cause ?? direct ?? 'UNKNOWN';
}

function errorFromAnswer(error: { code: number; message: string; data?: unknown }): RpcError {
  const dataCode = (error.data as { code?: unknown } | undefined)?.code;
  const code = isRpcErrorCode(dataCode) ? dataCode : codeFromJsonRpcNumber(error.code);
  return rpcErrorFromWire(code, error.message, error.data);
}

function zodShape(contract: MethodContract): MethodShape {
  return {
    idempotent: contract.idempotent,
    validate: (params) => {
      const parsed = contract.input.safeParse(params);
      return parsed.success ? undefined : fieldIssuesOf(parsed.error);
    },
    parseResult: (result) => contract.output.parse(result),
  };
}

function buildNamespaces(
  transport: RpcTransport,
  methods: Iterable<[string, MethodShape]>,
): Record<string, Record<string, (input: unknown, options?: CallOptions) => Promise<unknown>>> {
  const client: Record<string, Record<string, (input: unknown, options?: CallOptions) => Promise<unknown>>> = {};
  for (const [fullName, shape] of methods) {
    const [namespace, name] = fullName.split('.') as [string, string];
    client[namespace] ??= {};
    client[namespace][name] = (input, options) => transport.call(fullName, input, shape, options);
  }
  return client;
}

export type TypedRpcClient<Contract extends RouterContract> = RouterClient<Contract> & {
  $transport: RpcTransport;
  $batch: RpcTransport['batch'];
  $close: () => Promise<void>;
};

/**
 * A typed client for a contract: `client.serving.decide(args)`. Arguments are validated
 * before they are sent and results parsed with the output schema.
 */
export function createRpcClient<Contract extends RouterContract>(contract: Contract, options: RpcClientOptions): TypedRpcClient<Contract> {
  const transport = new RpcTransport(options);
  const methods = Object.entries(contract).flatMap(([namespace, namespaceMethods]) =>
    Object.entries(namespaceMethods).map(([name, method]) => [`${namespace}.${name}`, zodShape(method)] as [string, MethodShape]),
  );
  return Object.assign(buildNamespaces(transport, methods) as RouterClient<Contract>, {
    $transport: transport,
    $batch: transport.batch.bind(transport),
    $close: () => transport.close(),
  });
}

export type DynamicRpcClient = Record<string, Record<string, (input: unknown, options?: CallOptions) => Promise<unknown>>> & {
  $description: RouterDescription;
  $batch: RpcTransport['batch'];
  $close: () => Promise<void>;
};

/**
 * A client built at run time from a server's self-description, without the contract.
 * Arguments are still checked before sending, against the JSON Schema the server published.
 */
export async function createDynamicRpcClient(options: RpcClientOptions): Promise<DynamicRpcClient> {
  const transport = new RpcTransport(options);
  const description = (await transport.get('/describe')) as RouterDescription;
  const methods = description.methods.map((method): [string, MethodShape] => {
    let schema: z.ZodType | undefined;
    try {
      schema = z.fromJSONSchema(method.paramsSchema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch {
      // A schema zod cannot rebuild is left to the server to check.
      schema = undefined;
    }
    return [
      method.name,
      {
        idempotent: method.idempotent,
        validate:
          schema === undefined
            ? undefined
            : (params) => {
                const parsed = schema.safeParse(params);
                return parsed.success ? undefined : fieldIssuesOf(parsed.error);
              },
        parseResult: undefined,
      },
    ];
  });
  const namespaces: Record<string, unknown> = buildNamespaces(transport, methods);
  return Object.assign(namespaces, {
    $description: description,
    $batch: transport.batch.bind(transport),
    $close: () => transport.close(),
  }) as DynamicRpcClient;
}
