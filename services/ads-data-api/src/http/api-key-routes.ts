import { rest } from '@ads/ads-client';
import { isRowId } from '../domain/row-id';
import { findAdvertiser } from '../store/advertiser-store';
import { createApiKey, findApiKey, listApiKeys, lockApiKey, revokeApiKey, toApiKeyView } from '../store/api-key-admin-store';
import { defineRoute, type RestRoute } from './rest-route';
import { idParams, invalidFields, notFound, pageResult } from './route-helpers';

const tag = 'API keys';

export const apiKeyRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/api-keys',
    operationId: 'listApiKeys',
    tag,
    summary: 'List API keys',
    description: 'Shows prefixes, never secrets or hashes.',
    roles: ['admin'],
    query: rest.apiKeyListQuery,
    write: false,
    success: { status: 200, description: 'A page of API keys', schema: rest.pageOf(rest.apiKey) },
    handle: async ({ db, query }) => pageResult(await listApiKeys(db, query)),
  }),
  defineRoute({
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    tag,
    summary: 'Create an API key',
    description:
      'The answer carries the secret; it is shown this once and stored nowhere (only its SHA-256 is). A retry with the same Idempotency-Key answers 409 naming the key already created, since the secret cannot be shown again.',
    roles: ['admin'],
    body: rest.apiKeyCreate,
    write: true,
    secretInResponse: true,
    success: { status: 201, description: 'The new key with its secret', schema: rest.apiKeyCreated },
    handle: async ({ db, body, audit }) => {
      if (body.advertiserId !== null) {
        const advertiser = isRowId(body.advertiserId) ? await findAdvertiser(db, body.advertiserId, undefined) : null;
        if (advertiser === null) throw invalidFields([{ field: 'advertiserId', message: `no advertiser ${body.advertiserId}` }]);
      }
      const { row, secret } = await createApiKey(db, body);
      const view = toApiKeyView(row);
      await audit({ action: 'apiKey.create', entityType: 'apiKey', entityId: row.id, before: null, after: view });
      return { status: 201, body: { ...view, secret }, location: `/api-keys/${row.id}` };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api-keys/:id',
    operationId: 'getApiKey',
    tag,
    summary: 'Read an API key',
    roles: ['admin'],
    params: idParams,
    write: false,
    success: { status: 200, description: 'The key (without secret or hash)', schema: rest.apiKey },
    problems: [404],
    handle: async ({ db, params }) => {
      const row = await findApiKey(db, params.id);
      if (row === null) throw notFound('API key', params.id);
      return { status: 200, body: toApiKeyView(row) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api-keys/:id/revoke',
    operationId: 'revokeApiKey',
    tag,
    summary: 'Revoke an API key',
    description: 'Takes effect on the next request. Revoking a revoked key changes nothing and answers the key.',
    roles: ['admin'],
    params: idParams,
    write: true,
    success: { status: 200, description: 'The revoked key', schema: rest.apiKey },
    problems: [404],
    handle: async ({ db, params, now, audit }) => {
      const before = await lockApiKey(db, params.id);
      if (before === null) throw notFound('API key', params.id);
      if (before.revokedAt !== null) return { status: 200, body: toApiKeyView(before) };
      const after = await revokeApiKey(db, params.id, now);
      await audit({ action: 'apiKey.revoke', entityType: 'apiKey', entityId: params.id, before: toApiKeyView(before), after: toApiKeyView(after) });
      return { status: 200, body: toApiKeyView(after) };
    },
  }),
];
