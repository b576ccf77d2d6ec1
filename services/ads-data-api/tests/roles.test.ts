// The roles table of the README, pinned: every role against representative REST and RPC reads
// and writes. Service keys read inventory and write only stats batches; importer keys write
// feeds through the RPC and read only import runs; advertiser keys use REST for their own rows.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';

import request from 'supertest';

import { loadConfig } from '../src/config';
import { createApp } from '../src/http/data-api-app';
import { issueApiKeySecret } from '../src/domain/api-key-secret';
import { createDataApiRpcServer, RPC_METHOD_ROLES } from '../src/http/data-api-rpc-server';
import { testLogger } from './support/test-logger';
import { createAd, createAdvertiser, createCampaign } from './support/inventory-fixtures';
import { bearer, campaignBody, createRestFixture, type RestFixture } from './support/rest-fixture';

type Role = 'admin' | 'advertiser' | 'service' | 'importer';
const roles: Role[] = ['admin', 'advertiser', 'service', 'importer'];

let fixture: RestFixture;
let app: ReturnType<typeof createApp>;
const keys = {} as Record<Role, string>;
let advertiserId: string;
let adId: string;
let placementId: string;
let siteId: string;
let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(sequence += 1)}`;

before(async () => {
  fixture = await createRestFixture();
  const dependencies = { prisma: fixture.prisma, redis: fixture.redis, keys: fixture.keys, logger: testLogger };
  app = createApp(
    { ...dependencies, config: { ...loadConfig(), redisKeyPrefix: fixture.keys.prefix } },
    { rpcServer: createDataApiRpcServer(dependencies) },
  );
  advertiserId = (await createAdvertiser(fixture.prisma)).id;
  adId = (await createAd(fixture.prisma, (await createCampaign(fixture.prisma, advertiserId)).id)).id;
  const site = await fixture.prisma.site.create({ data: { name: 'Roles Site', domain: 'roles.example' } });
  siteId = site.id;
  placementId = (
    await fixture.prisma.placement.create({ data: { siteId: site.id, key: 'roles-top', name: 'Top', allowedFormats: ['native'] } })
  ).id;
  const importer = issueApiKeySecret();
  await fixture.prisma.apiKey.create({ data: { name: 'test importer', role: 'importer', prefix: importer.prefix, hash: importer.hash } });
  keys.admin = fixture.adminKey;
  keys.service = fixture.serviceKey;
  keys.importer = importer.secret;
  keys.advertiser = (await fixture.advertiserKey(advertiserId)).secret;
});
after(async () => {
  await fixture?.close();
});

type Call = (key: string) => Promise<number | string>;

/** A REST call's status; paths are functions where they hold ids the fixture makes. PATCH overwrites (If-Match: *). */
const rest =
  (method: 'get' | 'post' | 'patch', path: string | (() => string), body?: () => unknown): Call =>
  async (key) => {
    const call = request(app)
      [method](`/api/v1${typeof path === 'string' ? path : path()}`)
      .set('authorization', bearer(key));
    if (method === 'patch') call.set('if-match', '*');
    return (await (body === undefined ? call : call.send(body() as object))).status;
  };

/** An RPC call's outcome: 'ok', or the error code (the role check runs before the params are used). */
const rpc =
  (method: string, params: () => unknown): Call =>
  async (key) => {
    const response = await request(app)
      .post('/rpc')
      .set('authorization', bearer(key))
      .set('content-type', 'application/json')
      .send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: params() }));
    return response.body.error === undefined ? 'ok' : (response.body.error.data.code as string);
  };

const feedRow = () => ({
  advertiser: { externalId: `adv-${unique()}`, name: `Feed ${unique()}` },
  campaign: {
    externalId: 'c-1',
    name: 'Feed campaign',
    flightStart: '2026-01-01T00:00:00Z',
    flightEnd: '2027-01-01T00:00:00Z',
    totalBudget: 100,
    dailyBudget: null,
    bidAmount: 10,
  },
  ad: { externalId: 'ad-1', title: 'Feed ad', clickUrl: 'https://shop.example/' },
});
const run = () => ({
  source: 'feed.csv',
  format: 'csv',
  status: 'running',
  total: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  failed: 0,
  errors: [],
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: null,
});
/** The start of the UTC hour two hours ago: inside the opportunity retention. */
const recentHour = () => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000).toISOString();
const statsRow = () => ({ adId, hour: '2026-01-01T10:00:00Z', impressions: 1, viewableImpressions: 0, clicks: 0, spendMicros: 0 });

// What each role gets: [admin, advertiser, service, importer].
const table: Array<[string, Call, [number | string, number | string, number | string, number | string]]> = [
  ['REST GET /me', rest('get', '/me'), [200, 200, 200, 200]],
  ['REST GET /campaigns', rest('get', '/campaigns'), [200, 200, 200, 403]],
  ['REST GET /placements', rest('get', '/placements'), [200, 200, 200, 403]],
  ['REST GET /reports/ads/:id', rest('get', () => `/reports/ads/${adId}`), [200, 200, 200, 403]],
  [
    'REST POST /campaigns',
    rest('post', '/campaigns', () => campaignBody(advertiserId, { name: `Roles ${unique()}` })),
    [201, 201, 403, 403],
  ],
  ['REST POST /advertisers', rest('post', '/advertisers', () => ({ name: `Roles ${unique()}` })), [201, 403, 403, 403]],
  ['REST POST /sites', rest('post', '/sites', () => ({ name: 'S', domain: `s${unique()}.example` })), [201, 403, 403, 403]],
  [
    'REST PATCH /placements/:id',
    rest(
      'patch',
      () => `/placements/${placementId}`,
      () => ({ name: `P ${unique()}` }),
    ),
    [200, 403, 403, 403],
  ],
  ['REST GET /feature-switches', rest('get', '/feature-switches'), [200, 403, 200, 403]],
  [
    'REST POST /feature-switches',
    rest('post', '/feature-switches', () => ({ name: 'serving.house_ads', scope: 'placement', scopeId: placementId })),
    [201, 403, 403, 403],
  ],
  ['REST GET /import-runs', rest('get', '/import-runs'), [200, 403, 200, 200]],
  ['REST GET /audit-log', rest('get', '/audit-log'), [200, 403, 403, 403]],
  ['REST POST /api-keys', rest('post', '/api-keys', () => ({ name: 'k', role: 'service' })), [201, 403, 403, 403]],
  ['RPC inventory.snapshot', rpc('inventory.snapshot', () => ({ limit: 1 })), ['ok', 'FORBIDDEN', 'ok', 'FORBIDDEN']],
  [
    'RPC stats.query',
    rpc('stats.query', () => ({ level: 'ad', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' })),
    ['ok', 'FORBIDDEN', 'ok', 'FORBIDDEN'],
  ],
  [
    'RPC stats.ingest',
    rpc('stats.ingest', () => ({ batchId: `roles-${unique()}`, rows: [statsRow()] })),
    ['ok', 'FORBIDDEN', 'ok', 'FORBIDDEN'],
  ],
  [
    'RPC opportunities.ingestHour',
    rpc('opportunities.ingestHour', () => ({ hour: recentHour(), placements: [{ placementKey: `roles-${unique()}`, requests: 1 }] })),
    ['ok', 'FORBIDDEN', 'ok', 'FORBIDDEN'],
  ],
  [
    'RPC opportunities.ingestDay',
    rpc('opportunities.ingestDay', () => ({ day: recentHour().slice(0, 10), sampleThreshold: 1, sample: [] })),
    ['ok', 'FORBIDDEN', 'ok', 'FORBIDDEN'],
  ],
  ['RPC placements.list', rpc('placements.list', () => ({})), ['ok', 'FORBIDDEN', 'ok', 'FORBIDDEN']],
  ['RPC placements.get', rpc('placements.get', () => ({ id: placementId })), ['ok', 'FORBIDDEN', 'ok', 'FORBIDDEN']],
  [
    'RPC placements.update',
    rpc('placements.update', () => ({ id: placementId, patch: { name: `P ${unique()}` } })),
    ['ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
  ],
  [
    'RPC placements.create',
    rpc('placements.create', () => ({ siteId, key: `k-${unique()}`, name: 'K' })),
    ['ok', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
  ],
  ['RPC imports.upsertRows', rpc('imports.upsertRows', () => ({ rows: [feedRow()] })), ['ok', 'FORBIDDEN', 'FORBIDDEN', 'ok']],
  ['RPC imports.recordRun', rpc('imports.recordRun', run), ['ok', 'FORBIDDEN', 'FORBIDDEN', 'ok']],
];

it('every role gets exactly what the README roles table says, on REST and RPC', async () => {
  const actual: Record<string, Record<Role, number | string>> = {};
  const expected: Record<string, Record<Role, number | string>> = {};
  for (const [label, call, outcomes] of table) {
    actual[label] = {} as Record<Role, number | string>;
    expected[label] = {} as Record<Role, number | string>;
    for (const [index, role] of roles.entries()) {
      actual[label][role] = await call(keys[role]);
      expected[label][role] = outcomes[index]!;
    }
  }
  assert.deepEqual(actual, expected);
});

it('every RPC method has its roles declared, and admin keys may call all of them', () => {
  for (const [method, allowed] of Object.entries(RPC_METHOD_ROLES)) assert.ok(allowed.includes('admin'), method);
  assert.ok(
    !Object.entries(RPC_METHOD_ROLES).some(
      ([method, allowed]) => allowed.includes('service') && /\.(create|update|upsertRows|recordRun)$/.test(method),
    ),
    'service keys write only stats batches',
  );
});
