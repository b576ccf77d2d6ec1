import { z } from 'zod';
import type { RouterContract } from './contract.js';
import { RPC_ERROR_CODES } from './error-codes.js';

/** One method in the self-description. */
export interface MethodDescription {
  name: string;
  summary: string;
  idempotent: boolean;
  paramsSchema: unknown;
  resultSchema: unknown;
}

/** An OpenRPC-style document: what a dynamic client needs to call a server without its contract. */
export interface RouterDescription {
  openrpc: '1.3.2';
  info: { title: string; version: string };
  methods: MethodDescription[];
  errors: Record<string, { jsonRpc: number; httpStatus: number }>;
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  // Transforms and dates have no exact JSON Schema: they are described as "any" rather than failing.
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

export function describeRouter(contract: RouterContract, info: { title: string; version: string }): RouterDescription {
  const methods: MethodDescription[] = [];
  for (const [namespace, namespaceMethods] of Object.entries(contract)) {
    for (const [name, method] of Object.entries(namespaceMethods)) {
      methods.push({
        name: `${namespace}.${name}`,
        summary: method.doc,
        idempotent: method.idempotent,
        paramsSchema: toJsonSchema(method.input, 'input'),
        resultSchema: toJsonSchema(method.output, 'output'),
      });
    }
  }
  return { openrpc: '1.3.2', info, methods, errors: RPC_ERROR_CODES };
}
