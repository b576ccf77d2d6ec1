import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { defineContract } from './contract.js';
import { modelContract, modelHandlers, type ModelStore } from './model-namespace.js';
import { createRpcServer } from './rpc-server.js';

const site = z.object({ id: z.string(), domain: z.string() });
type Site = z.infer<typeof site>;

function memoryStore(): ModelStore<Site, { domain: string }, { domain?: string | undefined }, { domain?: string | undefined }> {
  const rows: Site[] = [];
  return {
    get: async (id) => rows.find((row) => row.id === id) ?? null,
    list: async ({ filters, cursor, limit }) => {
      const matching = rows.filter((row) => filters?.domain === undefined || row.domain.includes(filters.domain));
      const start = cursor === undefined ? 0 : matching.findIndex((row) => row.id === cursor) + 1;
      const items = matching.slice(start, start + limit);
      return { items, nextCursor: start + limit < matching.length ? items.at(-1)!.id : null };
    },
    create: async (input) => {
      const row = { id: String(rows.length + 1), ...input };
      rows.push(row);
      return row;
    },
    update: async (id, patch) => {
      const row = rows.find((candidate) => candidate.id === id);
      if (row === undefined) return null;
      Object.assign(row, patch);
      return row;
    },
  };
}

const contract = defineContract({
  sites: modelContract({
    name: 'site',
    entity: site,
    create: z.strictObject({ domain: z.string().min(3) }),
    update: z.strictObject({ domain: z.string().min(3).optional() }),
    filters: z.strictObject({ domain: z.string().optional() }),
    maxLimit: 2,
  }),
});
const server = createRpcServer(contract, { sites: modelHandlers('site', memoryStore()) }, { title: 't', version: '0' });

async function call(methodName: string, params: unknown) {
  const answer = await server.handle({
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method: methodName, params })),
  });
  return JSON.parse(String(answer.body));
}

test('a model namespace offers get, list with cursor and capped limit, create and update', async () => {
  for (const domain of ['one.test', 'two.test', 'three.test']) await call('sites.create', { domain });
  assert.equal((await call('sites.create', { domain: 'x' })).error.data.code, 'INVALID_PARAMS');
  const firstPage = (await call('sites.list', { limit: 1000 })).result;
  assert.equal(firstPage.items.length, 2, 'limit is capped at maxLimit');
  const secondPage = (await call('sites.list', { cursor: firstPage.nextCursor })).result;
  assert.deepEqual(
    secondPage.items.map((row: Site) => row.domain),
    ['three.test'],
  );
  assert.equal(secondPage.nextCursor, null);
  const filtered = (await call('sites.list', { filters: { domain: 'two' } })).result;
  assert.equal(filtered.items.length, 1);
  assert.deepEqual((await call('sites.update', { id: '2', patch: { domain: 'deux.test' } })).result, { id: '2', domain: 'deux.test' });
  assert.equal((await call('sites.get', { id: '2' })).result.domain, 'deux.test');
  const missing = await call('sites.get', { id: '99' });
  assert.equal(missing.error.data.code, 'NOT_FOUND');
  assert.match(missing.error.message, /site 99 not found/);
});
