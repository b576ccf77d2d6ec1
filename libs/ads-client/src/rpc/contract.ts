import type { z } from 'zod';
import type { PreEncodedResult } from './pre-encoded-result.js';

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

/**
 * Declares a contract: namespaces of methods, shared by server and typed client. Every object
 * a method's input holds must refuse unknown fields (`z.strictObject`): a misspelt optional
 * field would otherwise be dropped without a word, and the call would do something else.
 */
export function defineContract<Contract extends RouterContract>(contract: Contract): Contract {
  for (const [namespace, methods] of Object.entries(contract)) {
    for (const [name, methodContract] of Object.entries(methods)) {
      if (!/^[a-zA-Z][\w]*$/.test(namespace) || !/^[a-zA-Z][\w]*$/.test(name)) {
        throw new TypeError(`RPC method name "${namespace}.${name}" must be two identifiers joined by a dot`);
      }
      const loose = looseObjectPath(methodContract.input, []);
      if (loose !== undefined) {
        throw new TypeError(
          `RPC method ${namespace}.${name}: the input object at "${loose.join('.') || '(root)'}" accepts unknown fields; declare it with z.strictObject`,
        );
      }
    }
  }
  return contract;
}

/** The zod 4 definition fields the strictness walk reads. */
interface SchemaDefinition {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  options?: readonly z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  items?: readonly z.ZodType[];
  rest?: z.ZodType | null;
  valueType?: z.ZodType;
}

/** The path of the first object in `schema` that accepts unknown keys (strips or passes them), if any. */
function looseObjectPath(schema: z.ZodType, path: string[]): string[] | undefined {
  const definition = (schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def;
  const inside = (children: readonly (z.ZodType | null | undefined)[], at: string[] = path) => {
    for (const child of children) {
      const found = child == null ? undefined : looseObjectPath(child, at);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  switch (definition.type) {
    case 'object': {
      const catchall = definition.catchall as unknown as { _zod: { def: SchemaDefinition } } | undefined;
      if (catchall?._zod.def.type !== 'never') return path;
      for (const [key, child] of Object.entries(definition.shape ?? {})) {
        const found = looseObjectPath(child, [...path, key]);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    case 'array':
      return inside([definition.element], [...path, '*']);
    case 'record':
      return inside([definition.valueType], [...path, '*']);
    case 'tuple':
      return inside([...(definition.items ?? []), definition.rest], [...path, '*']);
    case 'union':
      return inside(definition.options ?? []);
    case 'intersection':
      return inside([definition.left, definition.right]);
    case 'pipe':
      // The input side meets the caller's JSON; the output side meets the transformed value.
      return inside([definition.in]);
    default:
      // optional, nullable, default, prefault, readonly, catch, nonoptional wrap one schema.
      return inside([definition.innerType]);
  }
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
