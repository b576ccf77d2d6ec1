// Hostile input found by probing a running stack (issue 12): each used to answer 500, or be
// stored other than sent. Now a 4xx naming the field, on REST and on the RPC, checked by the
// shared contracts before any store is asked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { KILL_SWITCHES } from '@ads/ads-client';
import request from 'supertest';

import { loadConfig } from '../src/config';
import { createApp } from '../src/http/data-api-app';
import { createDataApiRpcServer, RPC_MAX_BODY_BYTES } from '../src/http/data-api-rpc-server';
import { testLogger } from './support/test-logger';
import { adBody, bearer, campaignBody, createRestFixture, etagOf, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let app: ReturnType<typeof createApp>;
let admin: string;
let advertiserId: string;
let campaign: { id: string; etag: string };
let ad: { id: string; etag: string };
let placementId: string;

before(async () => {
  fixture = await createRestFixture();
  const dependencies = { prisma: fixture.prisma, redis: fixture.redis, keys: fixture.keys, logger: testLogger };
  app = createApp({ ...dependencies, config: loadConfig() }, { rpcServer: createDataApiRpcServer(dependencies) });
  admin = bearer(fixture.adminKey);
  advertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Hardened Goods' } })).id;
  const createdCampaign = await request(app).post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(advertiserId));
  campaign = { id: createdCampaign.body.id, etag: etagOf(createdCampaign) };
  const createdAd = await request(app).post('/api/v1/ads').set('authorization', admin).send(adBody(campaign.id));
  ad = { id: createdAd.body.id, etag: etagOf(createdAd) };
  const site = await fixture.prisma.site.create({ data: { name: 'Hardened Site', domain: 'hardened.example' } });
  placementId = (
    await fixture.prisma.placement.create({ data: { siteId: site.id, key: 'hardened-top', name: 'Top', allowedFormats: ['native'] } })
  ).id;
});
after(async () => {
  await fixture?.close();
});

const fieldsOf = (response: { body: { errors?: { field: string }[] } }) => (response.body.errors ?? []).map((error) => error.field).sort();

/** One raw JSON-RPC call (the typed client would refuse these arguments before sending). */
async function rpc(method: string, params: unknown, options: { key?: string; envelope?: Record<string, unknown> } = {}) {
  const response = await request(app)
    .post('/rpc')
    .set('authorization', bearer(options.key ?? fixture.adminKey))
    .set('content-type', 'application/json')
    .send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params, ...options.envelope }));
  const issues = (response.body.error?.data?.issues ?? []) as { path: (string | number)[] }[];
  return {
    status: response.status,
    code: response.body.error?.data?.code as string | undefined,
    paths: issues.map((issue) => issue.path.join('.')).sort(),
  };
}

describe('dates outside years 1970-9999', () => {
  it('are refused on a campaign create and patch, naming the field', async () => {
    for (const flightStart of ['0000-01-01T00:00:00Z', '1969-12-31T00:00:00Z']) {
      const created = await request(app)
        .post('/api/v1/campaigns')
        .set('authorization', admin)
        .send(campaignBody(advertiserId, { flightStart }));
      assert.equal(created.status, 422, JSON.stringify(created.body));
      assert.deepEqual(fieldsOf(created), ['flightStart']);
      const patched = await request(app)
        .patch(`/api/v1/campaigns/${campaign.id}`)
        .set('authorization', admin)
        .set('if-match', '*')
        .send({ flightStart });
      assert.equal(patched.status, 422, JSON.stringify(patched.body));
      assert.deepEqual(fieldsOf(patched), ['flightStart']);
    }
    const tooLate = await request(app)
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { flightEnd: '9999-12-31T23:00:00-05:00' }));
    assert.deepEqual([tooLate.status, fieldsOf(tooLate)], [422, ['flightEnd']]);
  });

  it('are refused in audit-log filters and reports; a report never answers a year past 9999', async () => {
    for (const query of ['from=0000-01-01T00:00:00Z', 'to=0000-01-01T00:00:00Z']) {
      const listed = await request(app).get(`/api/v1/audit-log?${query}`).set('authorization', admin);
      assert.deepEqual([listed.status, fieldsOf(listed)], [422, [query.split('=')[0]]], JSON.stringify(listed.body));
    }
    const yearZero = await request(app).get(`/api/v1/reports/campaigns/${campaign.id}?to=0000-01-02T00:00:00Z`).set('authorization', admin);
    assert.deepEqual([yearZero.status, fieldsOf(yearZero)], [422, ['to']]);
    const roundedPast = await request(app)
      .get(`/api/v1/reports/campaigns/${campaign.id}?to=9999-12-31T12:00:00Z&granularity=day`)
      .set('authorization', admin);
    assert.deepEqual([roundedPast.status, fieldsOf(roundedPast)], [422, ['to']], JSON.stringify(roundedPast.body));
    const lastDay = await request(app)
      .get(`/api/v1/reports/ads/${ad.id}?from=9999-12-30T00:00:00Z&to=9999-12-31T00:00:00Z&granularity=day`)
      .set('authorization', admin);
    assert.equal(lastDay.status, 200, JSON.stringify(lastDay.body));
    assert.equal(lastDay.body.to, '9999-12-31T00:00:00.000Z');
  });

  it('are refused by stats.ingest, stats.query and imports.recordRun', async () => {
    const row = { adId: ad.id, hour: '0000-01-01T00:00:00Z', impressions: 1, viewableImpressions: 0, clicks: 0, spendMicros: 0 };
    assert.deepEqual(await rpc('stats.ingest', { batchId: 'year-zero', rows: [row] }, { key: fixture.serviceKey }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['rows.0.hour'],
    });
    assert.deepEqual(
      await rpc('stats.query', { level: 'ad', from: '0000-01-01T00:00:00Z', to: '0000-01-02T00:00:00Z' }, { key: fixture.serviceKey }),
      {
        status: 400,
        code: 'INVALID_PARAMS',
        paths: ['from', 'to'],
      },
    );
    const run = {
      source: 'feed.csv',
      format: 'csv',
      status: 'running',
      total: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
      startedAt: '0000-01-01T00:00:00Z',
      finishedAt: null,
    };
    assert.deepEqual((await rpc('imports.recordRun', run)).paths, ['startedAt']);
  });
});

describe('NUL and control characters in searches, filters and ids', () => {
  it('are refused in every REST text filter, naming it', async () => {
    for (const path of [
      '/audit-log?action=%00',
      '/audit-log?entityType=a%01b',
      '/sites?category=%00',
      '/advertisers?q=a%0Db',
      '/placements?q=%7F',
      '/campaigns?q=a%00b',
    ]) {
      const listed = await request(app).get(`/api/v1${path}`).set('authorization', admin);
      assert.equal(listed.status, 422, `${path}: ${JSON.stringify(listed.body)}`);
      assert.deepEqual(fieldsOf(listed), [new URL(path, 'http://x').searchParams.keys().next().value], path);
    }
  });

  it('are refused by the RPC, and ids are checked before the store', async () => {
    assert.deepEqual(await rpc('placements.list', { filters: { q: 'a\u0000b' } }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['filters.q'],
    });
    assert.deepEqual(await rpc('placements.list', { filters: { siteId: 'site-1' } }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['filters.siteId'],
    });
    for (const id of ['abc', 'a\u0000b', '0000-01-01T00:00:00Z']) {
      assert.deepEqual(await rpc('placements.get', { id }), { status: 400, code: 'INVALID_PARAMS', paths: ['id'] }, id);
      assert.deepEqual(
        await rpc('placements.update', { id, patch: { name: 'x' } }),
        { status: 400, code: 'INVALID_PARAMS', paths: ['id'] },
        id,
      );
    }
    assert.deepEqual((await rpc('placements.create', { siteId: 'abc', key: 'k-1', name: 'K' })).paths, ['siteId']);
    assert.deepEqual(
      (
        await rpc(
          'stats.ingest',
          {
            batchId: 'a\u0000b',
            rows: [{ adId: ad.id, hour: '2026-01-01T00:00:00Z', impressions: 1, viewableImpressions: 0, clicks: 0, spendMicros: 0 }],
          },
          { key: fixture.serviceKey },
        )
      ).paths,
      ['batchId'],
    );
    const run = {
      source: 'feed\u0000.csv',
      format: 'csv',
      status: 'running',
      total: 1,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 1,
      errors: [{ line: 2, field: 'ad.title', message: 'bad \u0000' }],
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: null,
    };
    assert.deepEqual((await rpc('imports.recordRun', run)).paths, ['errors.0.message', 'source']);
    // The placement is untouched and still readable.
    assert.equal((await rpc('placements.get', { id: placementId })).status, 200);
  });
});

describe('control characters in URLs', () => {
  it('are refused on ad create and patch instead of being stripped', async () => {
    for (const clickUrl of ['https://shop.example/a\r\nSet-Cookie: x=1', 'https://shop.example/\tb', 'https://shop.example/\u0000']) {
      const created = await request(app)
        .post('/api/v1/ads')
        .set('authorization', admin)
        .send(adBody(campaign.id, { clickUrl, imageUrl: clickUrl }));
      assert.equal(created.status, 422, `${JSON.stringify(clickUrl)}: ${created.status} ${JSON.stringify(created.body)}`);
      assert.deepEqual(fieldsOf(created), ['clickUrl', 'imageUrl']);
      const patched = await request(app)
        .patch(`/api/v1/ads/${ad.id}`)
        .set('authorization', admin)
        .set('if-match', '*')
        .send({ imageUrl: clickUrl });
      assert.deepEqual([patched.status, fieldsOf(patched)], [422, ['imageUrl']]);
    }
    const stored = await fixture.prisma.ad.findUniqueOrThrow({ where: { id: ad.id } });
    assert.equal(stored.clickUrl, 'https://shop.example/trail');
  });

  it('are refused in feed rows sent to imports.upsertRows', async () => {
    const row = {
      advertiser: { externalId: 'adv-crlf', name: 'CRLF Feeds' },
      campaign: {
        externalId: 'c-crlf',
        name: 'C',
        flightStart: '2026-01-01T00:00:00Z',
        flightEnd: '2027-01-01T00:00:00Z',
        totalBudget: 100,
        dailyBudget: null,
        bidAmount: 10,
      },
      ad: { externalId: 'ad-crlf', title: 'T', clickUrl: 'https://shop.example/\r\nx' },
    };
    assert.deepEqual(await rpc('imports.upsertRows', { rows: [row] }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['rows.0.ad.clickUrl'],
    });
  });
});

describe('found by the property-based suite (tests/hardening-properties.test.ts)', () => {
  const run = {
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
  };
  const feedRow = (parts: { advertiser?: object; ad?: object }) => ({
    advertiser: { externalId: 'adv-text', name: 'Text Feeds', ...parts.advertiser },
    campaign: {
      externalId: 'c-text',
      name: 'C',
      flightStart: '2026-01-01T00:00:00Z',
      flightEnd: '2027-01-01T00:00:00Z',
      totalBudget: 100,
      dailyBudget: null,
      bidAmount: 10,
    },
    ad: { externalId: 'ad-text', title: 'T', clickUrl: 'https://shop.example/', ...parts.ad },
  });

  it('import run counts past 32 bits are refused naming the field (they were a 500)', async () => {
    assert.deepEqual(await rpc('imports.recordRun', { ...run, total: 2 ** 40, failed: 2 ** 31 }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['failed', 'total'],
    });
    assert.equal((await rpc('imports.recordRun', { ...run, total: 2 ** 31 - 1 })).status, 200);
  });

  it('feed rows with NUL or an unpaired surrogate in an external id or a name are refused naming the field (a 500, or a row failed as "refused by the database")', async () => {
    assert.deepEqual(await rpc('imports.upsertRows', { rows: [feedRow({ ad: { externalId: 'ad-\ud800' } })] }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['rows.0.ad.externalId'],
    });
    assert.deepEqual(
      await rpc('imports.upsertRows', { rows: [feedRow({ advertiser: { name: 'Text\u0000Feeds', externalId: 'adv-\u0000' } })] }),
      {
        status: 400,
        code: 'INVALID_PARAMS',
        paths: ['rows.0.advertiser.externalId', 'rows.0.advertiser.name'],
      },
    );
    assert.equal(await fixture.prisma.advertiser.count({ where: { name: { startsWith: 'Text' } } }), 0);
  });

  it('feed rows with NUL in a targeted site id or an unpaired surrogate in a URL are refused naming the field (a row failed as "refused by the database")', async () => {
    const row = feedRow({ ad: { imageUrl: 'https://shop.example/\ud800' } });
    const withSite = { ...row, campaign: { ...row.campaign, targeting: { siteIds: ['site\u0000'] } } };
    assert.deepEqual(await rpc('imports.upsertRows', { rows: [withSite] }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['rows.0.ad.imageUrl', 'rows.0.campaign.targeting.siteIds.0'],
    });
  });

  it('a placements.list cursor longer than any issued is refused naming it (it was a 500)', async () => {
    assert.deepEqual(await rpc('placements.list', { cursor: 'x'.repeat(70_000) }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['cursor'],
    });
  });
});

describe('feature switch names', () => {
  it('are the switches serving reads; any other name is refused naming the field', async () => {
    const unknown = await request(app)
      .post('/api/v1/feature-switches')
      .set('authorization', admin)
      .send({ name: 'serving.frequency_cap', enabled: true });
    assert.deepEqual([unknown.status, fieldsOf(unknown)], [422, ['name']]);
    for (const name of Object.values(KILL_SWITCHES)) {
      const created = await request(app).post('/api/v1/feature-switches').set('authorization', admin).send({ name, enabled: true });
      assert.equal(created.status, 201, `${name}: ${JSON.stringify(created.body)}`);
    }
  });
});

describe('the RPC envelope and params, as strict as serving', () => {
  it('refuses a "jsonrpc" other than "2.0", unknown params fields, deep nesting and oversized bodies, naming what is wrong', async () => {
    assert.deepEqual(await rpc('placements.get', { id: placementId }, { envelope: { jsonrpc: '1.0' } }), {
      status: 400,
      code: 'INVALID_REQUEST',
      paths: ['jsonrpc'],
    });
    assert.deepEqual(await rpc('placements.get', { id: placementId, expand: true }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['expand'],
    });
    assert.deepEqual(await rpc('placements.list', { filters: { siteld: 'x' } }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['filters.siteld'],
    });
    assert.deepEqual(await rpc('inventory.snapshot', { limit: 10, cursr: 'x' }, { key: fixture.serviceKey }), {
      status: 400,
      code: 'INVALID_PARAMS',
      paths: ['cursr'],
    });
    const deep = JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) as unknown;
    const tooDeep = await rpc(
      'stats.query',
      { level: 'ad', ids: deep, from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
      { key: fixture.serviceKey },
    );
    assert.equal(tooDeep.status, 400);
    assert.equal(tooDeep.code, 'INVALID_PARAMS');
    assert.ok(tooDeep.paths[0]!.startsWith('ids.0.0'), tooDeep.paths[0]);

    const oversized = await request(app)
      .post('/rpc')
      .set('authorization', bearer(fixture.serviceKey))
      .set('content-type', 'application/json')
      .send(Buffer.alloc(RPC_MAX_BODY_BYTES + 1, 0x20));
    assert.equal(oversized.status, 413);
    assert.equal(oversized.body.error.data.code, 'PAYLOAD_TOO_LARGE');
  });
});
