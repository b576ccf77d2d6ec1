import type { z } from 'zod';
import type { PreEncodedResult } from './pre-encoded-result';

/** A method as both sides know it: schemas, a one-line doc, and whether retrying is safe. */
export interface MethodContract<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  input: Input;
  output: Output;
  doc: string;
  /** Safe to send twice: the client may retry it on another server. */
  idempotent: boolean;
  /**
   * A hand-written check of the common, well-formed input for a hot path: the parsed value, or
   * undefined to let `input` decide (and name what is wrong). It must accept nothing `input`
   * refuses and return what `input` would; its tests compare the two.
   */
  fastInput?: ((params: unknown) => z.output<Input> | undefined) | undefined;
}

export type NamespaceContract = Record<string, MethodContract>;
export type RouterContract = Record<string, NamespaceContract>;

/** Declares one method; `idempotent` defaults to false so that retries are opt-in. */
export function method<Input extends z.ZodType, Output extends z.ZodType>(definition: {
  input: Input;
  output: Output;
  doc: string;
  idempotent?: boolean;
  fastInput?: (params: unknown) => z.output<Input> | undefined;
}): MethodContract<Input, Output> {
  return { ...definition, idempotent: definition.idempotent ?? false };
}

/** Declares a contract: namespaces of methods, shared by server and typed client. */
export function defineContract<Contract extends RouterContract>(contract: Contract): Contract {
  for (const [namespace, methods] of Object.entries(contract)) {
    for (const name of Object.keys(methods)) {
      if (!/^[a-zA-Z][\w]*$/.test(namespace) || !/^[a-zA-Z][\w]*$/.test(name)) {
        throw new TypeError(`RPC method name "${namespace}.${name}" must be two identifiers joined by a dot`);
      }
    }
  }
  return contract;
}

/** Everything a handler learns about the call besides its arguments. */
export interface CallContext {
  requestId: string;
  method: string;
  /** The bearer token sent with the call, if any. */
  token: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** What the server's `authenticate` hook returned for this call. */
  principal: unknown;
}

export type MethodHandler<M extends MethodContract> = (
  input: z.output<M['input']>,
  context: CallContext,
) => MethodResult<z.input<M['output']>> | Promise<MethodResult<z.input<M['output']>>>;

/** What a handler may return: the output, or the output with its JSON text already made. */
export type MethodResult<Output> = Output | PreEncodedResult<Output>;

export type RouterHandlers<Contract extends RouterContract> = {
  [Namespace in keyof Contract]: {
    [Name in keyof Contract[Namespace]]: MethodHandler<Contract[Namespace][Name]>;
  };
};

/** The typed client of a contract: `client.serving.decide(args)`. */
export type RouterClient<Contract extends RouterContract> = {
  [Namespace in keyof Contract]: {
    [Name in keyof Contract[Namespace]]: (
      input: z.input<Contract[Namespace][Name]['input']>,
      options?: CallOptions,
    ) => Promise<z.output<Contract[Namespace][Name]['output']>>;
  };
};

export interface CallOptions {
  /** Deadline for this call in milliseconds, over all attempts. */
  timeoutMs?: number;
  signal?: AbortSignal;
}
