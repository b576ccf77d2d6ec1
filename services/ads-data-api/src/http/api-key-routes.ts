import { rest } from '@ads/ads-client';
import { isRowId } from '../domain/row-id';
import type { ApiKey } from '../generated/prisma/client';
import { findAdvertiser } from '../store/advertiser-store';
import { createApiKey, findApiKey, listApiKeys, lockApiKey, revokeApiKey, toApiKeyView } from '../store/api-key-admin-store';
import { idParams } from './id-params';
import { invalidFields } from './invalid-fields';
import { notFound } from './not-found';
import { getRoute, listRoute, type RestResource } from './rest-resource';
import { defineRoute, type RestRoute } from './rest-route';

const apiKeys: RestResource<ApiKey> = {
  path: '/api-keys',
  tag: 'API keys',
  singular: 'ApiKey',
  plural: 'ApiKeys',
  noun: 'API key',
  pluralNoun: 'API keys',
  entity: 'apiKey',
  versioned: false,
  schema: rest.apiKey,
  view: toApiKeyView,
  find: (db, id) => findApiKey(db, id),
};

// Keys are not versioned and their creation answers a secret: only listing and reading them
// take the generic routes.
export const apiKeyRoutes: RestRoute[] = [
  listRoute(apiKeys, {
    summary: 'List API keys',
    description: 'Shows prefixes, never secrets or hashes.',
    roles: ['admin'],
    query: rest.apiKeyListQuery,
    list: ({ db, query }) => listApiKeys(db, query),
  }),
  defineRoute({
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    tag: apiKeys.tag,
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
  getRoute(apiKeys, { summary: 'Read an API key', roles: ['admin'], answer: 'The key (without secret or hash)' }),
  defineRoute({
    method: 'post',
    path: '/api-keys/:id/revoke',
    operationId: 'revokeApiKey',
    tag: apiKeys.tag,
    summary: 'Revoke an API key',
    description: 'Takes effect on the next request. Revoking a revoked key changes nothing and answers the key.',
    roles: ['admin'],
    params: idParams,
    write: true,
    success: { status: 200, description: 'The revoked key', schema: rest.apiKey },
    problems: [404],
    handle: async ({ db, params, now, audit }) => {
      const before = await lockApiKey(db, params.id);
      if (before === null) throw notFound(apiKeys.noun, params.id);
      if (before.revokedAt !== null) return { status: 200, body: toApiKeyView(before) };
      const after = await revokeApiKey(db, params.id, now);
      await audit({
        action: 'apiKey.revoke',
        entityType: 'apiKey',
        entityId: params.id,
        before: toApiKeyView(before),
        after: toApiKeyView(after),
      });
      return { status: 200, body: toApiKeyView(after) };
    },
  }),
];
