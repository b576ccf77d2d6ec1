import { z } from 'zod';
import type { CallContext, MethodContract } from './contract.js';
import { method } from './contract.js';
import { RpcError } from './rpc-error.js';

/** The four methods a model exposes: get, list (filters, cursor, capped limit), create, update. */
export type ModelNamespaceContract<
  Entity extends z.ZodType,
  Create extends z.ZodType,
  Update extends z.ZodType,
  Filters extends z.ZodType,
> = {
  get: MethodContract<z.ZodObject<{ id: z.ZodString }, z.core.$strict>, Entity>;
  list: MethodContract<
    z.ZodObject<
      {
        filters: z.ZodOptional<Filters>;
        cursor: z.ZodOptional<z.ZodString>;
        limit: z.ZodPipe<z.ZodDefault<z.ZodNumber>, z.ZodTransform<number, number>>;
      },
      z.core.$strict
    >,
    z.ZodObject<{ items: z.ZodArray<Entity>; nextCursor: z.ZodNullable<z.ZodString> }>
  >;
  create: MethodContract<Create, Entity>;
  update: MethodContract<z.ZodObject<{ id: z.ZodString; patch: Update }, z.core.$strict>, Entity>;
};

/**
 * Turns a resource into a namespace contract. `list` clamps `limit` to `maxLimit` so that no
 * caller can ask for an unbounded page. `id` checks ids before the store sees them (default:
 * any non-empty string); every input refuses unknown fields.
 */
export function modelContract<
  Entity extends z.ZodType,
  Create extends z.ZodType,
  Update extends z.ZodType,
  Filters extends z.ZodType,
>(definition: {
  name: string;
  entity: Entity;
  create: Create;
  update: Update;
  filters: Filters;
  id?: z.ZodString;
  defaultLimit?: number;
  maxLimit?: number;
}): ModelNamespaceContract<Entity, Create, Update, Filters> {
  const maxLimit = definition.maxLimit ?? 500;
  const { name } = definition;
  const id = definition.id ?? z.string().min(1);
  return {
    get: method({ input: z.strictObject({ id }), output: definition.entity, doc: `Gets one ${name} by id.`, idempotent: true }),
    list: method({
      input: z.strictObject({
        filters: definition.filters.optional(),
        // As long as REST's cursors: a longer one cannot be one the store issued.
        cursor: z.string().min(1).max(2000).optional(),
        limit: z
          .number()
          .int()
          .min(1)
          .default(definition.defaultLimit ?? 100)
          .transform((limit) => Math.min(limit, maxLimit)),
      }),
      output: z.object({ items: z.array(definition.entity), nextCursor: z.string().nullable() }),
      doc: `Lists ${name}s matching the filters, a page at a time (at most ${maxLimit}); pass nextCursor back for the next page.`,
      idempotent: true,
    }),
    create: method({ input: definition.create, output: definition.entity, doc: `Creates a ${name}.` }),
    update: method({
      input: z.strictObject({ id, patch: definition.update }),
      output: definition.entity,
      doc: `Updates some fields of a ${name}.`,
    }),
  };
}

/** What a model's storage provides; `get` and `update` answer null for an unknown id. */
export interface ModelStore<Entity, Create, Update, Filters> {
  get(id: string, context: CallContext): Promise<Entity | null>;
  list(
    query: { filters: Filters | undefined; cursor: string | undefined; limit: number },
    context: CallContext,
  ): Promise<{ items: Entity[]; nextCursor: string | null }>;
  create(input: Create, context: CallContext): Promise<Entity>;
  update(id: string, patch: Update, context: CallContext): Promise<Entity | null>;
}

/** Handlers for a model namespace from its store: unknown ids become NOT_FOUND errors. */
export function modelHandlers<Entity, Create, Update, Filters>(name: string, store: ModelStore<Entity, Create, Update, Filters>) {
  const found = (entity: Entity | null, id: string): Entity => {
    if (entity === null) throw new RpcError('NOT_FOUND', `${name} ${id} not found`);
    return entity;
  };
  return {
    get: async (input: { id: string }, context: CallContext) => found(await store.get(input.id, context), input.id),
    list: (input: { filters?: Filters | undefined; cursor?: string | undefined; limit: number }, context: CallContext) =>
      store.list({ filters: input.filters, cursor: input.cursor, limit: input.limit }, context),
    create: (input: Create, context: CallContext) => store.create(input, context),
    update: async (input: { id: string; patch: Update }, context: CallContext) =>
      found(await store.update(input.id, input.patch, context), input.id),
  };
}
