// REST /api/v1/campaigns: CRUD, validation naming fields, ETag/If-Match, lifecycle
// transitions, lists (filters, sorting, cursors), audit log and inventory notices.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';
import request from 'supertest';
import { inventory } from '@ads/ads-client';

import { loadConfig } from '../src/config';

const config = loadConfig();
import { adBody, bearer, campaignBody, createRestFixture, etagOf, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let advertiserId: string;

const day = 86_400_000;

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  advertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Acme Outdoor Gear' } })).id;
});
after(async () => {
  await fixture?.close();
});

function api() {
  return request(fixture.app);
}

async function createCampaign(overrides: Record<string, unknown> = {}) {
  const response = await api().post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(advertiserId, overrides));
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response;
}

/** A campaign with one active, approved ad: ready to activate. */
async function createReadyCampaign(overrides: Record<string, unknown> = {}) {
  const campaign = await createCampaign(overrides);
  await fixture.prisma.ad.create({
    data: {
      ...(adBody(campaign.body.id) as { campaignId: string; title: string; clickUrl: string }),
      format: 'native',
      reviewState: 'approved',
    },
  });
  return campaign;
}

describe('POST /campaigns', () => {
  it('creates a draft, answers it with an ETag and a Location, and matches the contract', async () => {
    const response = await createCampaign({
      targeting: { countries: ['US', 'FR'], devices: ['mobile'], keywords: ['  Hiking '], hours: [8, 9], weekdays: [1, 2] },
      frequencyCap: { count: 3, windowSeconds: 3600 },
    });
    assert.equal(response.headers.etag, 'W/"1"');
    assert.equal(response.headers.location, `/api/v1/campaigns/${response.body.id}`);
    assert.match(response.headers['content-type'] ?? '', /^application\/json/);
    const campaign = inventory.campaign.parse(response.body);
    assert.equal(campaign.status, 'draft');
    assert.deepEqual(campaign.targeting.keywords, ['hiking']);
    assert.deepEqual(campaign.frequencyCap, { count: 3, windowSeconds: 3600 });
    assert.equal(campaign.timeZone, 'UTC');

    const read = await api().get(`/api/v1/campaigns/${campaign.id}`).set('authorization', admin);
    assert.equal(read.status, 200);
    assert.equal(read.headers.etag, 'W/"1"');
    assert.deepEqual(read.body, response.body);
  });

  it('names every bad field, nested ones by their path', async () => {
    const response = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(
        campaignBody(advertiserId, {
          name: '',
          totalBudget: -5,
          timeZone: 'Mars/Olympus',
          targeting: { countries: ['US', 'france'], hours: [25] },
          flightEnd: new Date(Date.now() - 2 * day).toISOString(),
        }),
      );
    assert.equal(response.status, 422);
    assert.match(response.headers['content-type'] ?? '', /^application\/problem\+json/);
    assert.equal(response.body.code, 'VALIDATION_FAILED');
    const fields = response.body.errors.map((error: { field: string }) => error.field).sort();
    assert.deepEqual(fields, ['flightEnd', 'name', 'targeting.countries.1', 'targeting.hours.0', 'timeZone', 'totalBudget']);
    for (const error of response.body.errors) assert.ok(error.message.length > 0);
  });

  it('refuses unknown fields, at the top and nested', async () => {
    const response = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { status: 'active', targeting: { countries: [], zip: '10001' } }));
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.errors.map((error: { field: string; message: string }) => [error.field, error.message]).sort(), [
      ['status', 'unknown field'],
      ['targeting.zip', 'unknown field'],
    ]);
  });

  it('refuses an advertiser that does not exist, a zero bid and unknown sites, naming the field', async () => {
    const missing = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody('01900000-0000-7000-8000-000000000000'));
    assert.equal(missing.status, 422);
    assert.equal(missing.body.errors[0].field, 'advertiserId');
    const zeroBid = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { bidAmount: 0 }));
    assert.equal(zeroBid.status, 422);
    assert.equal(zeroBid.body.errors[0].field, 'bidAmount');
    const site = await fixture.prisma.site.create({ data: { name: 'News', domain: 'news.example', category: 'news' } });
    const sites = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { targeting: { siteIds: [site.id, '01900000-0000-7000-8000-000000000000', 'nope'] } }));
    assert.equal(sites.status, 422);
    assert.deepEqual(
      sites.body.errors.map((error: { field: string }) => error.field),
      ['targeting.siteIds.1', 'targeting.siteIds.2'],
    );
  });

  it('answers 400 for a body that is not JSON and 415 for another content type', async () => {
    const broken = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .set('content-type', 'application/json')
      .send('{"name":');
    assert.equal(broken.status, 400);
    assert.equal(broken.body.code, 'BAD_REQUEST');
    const form = await api().post('/api/v1/campaigns').set('authorization', admin).type('form').send('name=x');
    assert.equal(form.status, 415);
    assert.equal(form.body.code, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('PATCH /campaigns/:id', () => {
  it('changes only the named fields and moves the ETag on', async () => {
    const created = await createCampaign({ targeting: { countries: ['US'] } });
    const response = await api()
      .patch(`/api/v1/campaigns/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(created))
      .send({ name: 'Summer Sale', dailyBudget: null });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.headers.etag, 'W/"2"');
    assert.equal(response.body.name, 'Summer Sale');
    assert.equal(response.body.dailyBudget, null);
    assert.deepEqual(response.body.targeting.countries, ['US']);
    assert.equal(response.body.totalBudget, created.body.totalBudget);
  });

  it('leaves fields the patch does not name alone (the contract default of dailyBudget is not applied)', async () => {
    const created = await createCampaign({ dailyBudget: 12_345 });
    const response = await api()
      .patch(`/api/v1/campaigns/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ name: 'Renamed' });
    assert.equal(response.status, 200);
    assert.equal(response.body.dailyBudget, 12_345);
    assert.equal((await fixture.prisma.campaign.findUniqueOrThrow({ where: { id: created.body.id } })).dailyBudget, 12_345);
  });

  it('answers 412 to a stale If-Match and leaves the row alone (a lost update is refused)', async () => {
    const created = await createCampaign();
    const first = await api()
      .patch(`/api/v1/campaigns/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', 'W/"1"')
      .send({ name: 'First' });
    assert.equal(first.status, 200);
    const second = await api()
      .patch(`/api/v1/campaigns/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', 'W/"1"')
      .send({ name: 'Second' });
    assert.equal(second.status, 412);
    assert.equal(second.body.code, 'PRECONDITION_FAILED');
    const row = await fixture.prisma.campaign.findUniqueOrThrow({ where: { id: created.body.id } });
    assert.equal(row.name, 'First');
    assert.equal(row.version, 2);
  });

  it('requires If-Match (428), accepts *, and refuses a malformed one', async () => {
    const created = await createCampaign();
    const missing = await api().patch(`/api/v1/campaigns/${created.body.id}`).set('authorization', admin).send({ name: 'X' });
    assert.equal(missing.status, 428);
    assert.equal(missing.body.code, 'PRECONDITION_REQUIRED');
    const malformed = await api()
      .patch(`/api/v1/campaigns/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', '1')
      .send({ name: 'X' });
    assert.equal(malformed.status, 422);
    assert.equal(malformed.body.errors[0].field, 'If-Match');
    const any = await api()
      .patch(`/api/v1/campaigns/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ name: 'X' });
    assert.equal(any.status, 200);
  });

  it('checks the merged campaign: a new end before the stored start is refused', async () => {
    const created = await createCampaign();
    const response = await api()
      .patch(`/api/v1/campaigns/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ flightEnd: new Date(Date.parse(created.body.flightStart) - day).toISOString() });
    assert.equal(response.status, 422);
    assert.equal(response.body.errors[0].field, 'flightEnd');
  });

  it('refuses an empty patch and a status change (status moves by transitions)', async () => {
    const created = await createCampaign();
    const empty = await api().patch(`/api/v1/campaigns/${created.body.id}`).set('authorization', admin).set('if-match', '*').send({});
    assert.equal(empty.status, 422);
    const status = await api()
      .patch(`/api/v1/campaigns/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ status: 'active' });
    assert.equal(status.status, 422);
    assert.deepEqual(status.body.errors, [{ field: 'status', message: 'unknown field' }]);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const id of ['01900000-0000-7000-8000-000000000000', 'not-a-uuid']) {
      const response = await api().patch(`/api/v1/campaigns/${id}`).set('authorization', admin).set('if-match', '*').send({ name: 'X' });
      assert.equal(response.status, 404);
      assert.equal(response.body.code, 'NOT_FOUND');
    }
  });
});

describe('campaign transitions', () => {
  it('refuses activation without an active approved ad, naming the rule', async () => {
    const created = await createCampaign();
    await fixture.prisma.ad.create({
      data: { campaignId: created.body.id, format: 'native', title: 'Pending', clickUrl: 'https://x.example' },
    });
    const response = await api().post(`/api/v1/campaigns/${created.body.id}/activate`).set('authorization', admin).set('if-match', 'W/"1"');
    assert.equal(response.status, 409);
    assert.equal(response.body.code, 'CONFLICT');
    assert.deepEqual(
      response.body.errors.map((error: { field: string }) => error.field),
      ['ads'],
    );
    assert.match(response.body.detail, /no active, approved ad/);
  });

  it('refuses activation with a zero budget or an ended flight', async () => {
    const broke = await createReadyCampaign({ totalBudget: 0 });
    const noBudget = await api().post(`/api/v1/campaigns/${broke.body.id}/activate`).set('authorization', admin).set('if-match', '*');
    assert.equal(noBudget.status, 409);
    assert.deepEqual(
      noBudget.body.errors.map((error: { field: string }) => error.field),
      ['totalBudget'],
    );

    const ended = await createReadyCampaign({
      flightStart: new Date(Date.now() - 10 * day).toISOString(),
      flightEnd: new Date(Date.now() - day).toISOString(),
    });
    const over = await api().post(`/api/v1/campaigns/${ended.body.id}/activate`).set('authorization', admin).set('if-match', '*');
    assert.equal(over.status, 409);
    assert.match(over.body.errors[0].message, /flight ended/);
    assert.equal((await fixture.prisma.campaign.findUniqueOrThrow({ where: { id: ended.body.id } })).status, 'draft');
  });

  it('activates, pauses, resumes and archives, each guarded by If-Match; archived is final', async () => {
    const created = await createReadyCampaign();
    const id = created.body.id;
    const activated = await api().post(`/api/v1/campaigns/${id}/activate`).set('authorization', admin).set('if-match', etagOf(created));
    assert.equal(activated.status, 200, JSON.stringify(activated.body));
    assert.equal(activated.body.status, 'active');
    const stale = await api().post(`/api/v1/campaigns/${id}/pause`).set('authorization', admin).set('if-match', etagOf(created));
    assert.equal(stale.status, 412);
    const noGuard = await api().post(`/api/v1/campaigns/${id}/pause`).set('authorization', admin);
    assert.equal(noGuard.status, 428);
    const paused = await api().post(`/api/v1/campaigns/${id}/pause`).set('authorization', admin).set('if-match', etagOf(activated));
    assert.equal(paused.body.status, 'paused');
    const again = await api().post(`/api/v1/campaigns/${id}/pause`).set('authorization', admin).set('if-match', '*');
    assert.equal(again.status, 409);
    const resumed = await api().post(`/api/v1/campaigns/${id}/resume`).set('authorization', admin).set('if-match', etagOf(paused));
    assert.equal(resumed.body.status, 'active');
    const budgetToZero = await api()
      .patch(`/api/v1/campaigns/${id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ totalBudget: 0 });
    assert.equal(budgetToZero.status, 409);
    assert.equal(budgetToZero.body.errors[0].field, 'totalBudget');
    const archived = await api().post(`/api/v1/campaigns/${id}/archive`).set('authorization', admin).set('if-match', etagOf(resumed));
    assert.equal(archived.body.status, 'archived');
    const edit = await api().patch(`/api/v1/campaigns/${id}`).set('authorization', admin).set('if-match', '*').send({ name: 'Zombie' });
    assert.equal(edit.status, 409);
    const reactivate = await api().post(`/api/v1/campaigns/${id}/activate`).set('authorization', admin).set('if-match', '*');
    assert.equal(reactivate.status, 409);
    assert.match(reactivate.body.detail, /archived campaigns are final/);
  });
});

describe('DELETE /campaigns/:id', () => {
  it('deletes a campaign nothing refers to, and refuses one with ads (archive instead)', async () => {
    const lonely = await createCampaign();
    const deleted = await api().delete(`/api/v1/campaigns/${lonely.body.id}`).set('authorization', admin);
    assert.equal(deleted.status, 204);
    assert.equal(await fixture.prisma.campaign.count({ where: { id: lonely.body.id } }), 0);

    const withAds = await createReadyCampaign();
    const refused = await api().delete(`/api/v1/campaigns/${withAds.body.id}`).set('authorization', admin);
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /archive it instead/);
    assert.equal(await fixture.prisma.campaign.count({ where: { id: withAds.body.id } }), 1);
  });
});

describe('GET /campaigns', () => {
  let listAdvertiserId: string;
  before(async () => {
    listAdvertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Lister' } })).id;
    for (let index = 0; index < 25; index += 1) {
      await fixture.prisma.campaign.create({
        data: {
          advertiserId: listAdvertiserId,
          name: `Campaign ${String(index).padStart(2, '0')}${index % 5 === 0 ? ' winter' : ''}`,
          status: index % 2 === 0 ? 'draft' : 'paused',
          flightStart: new Date(Date.now() - day),
          flightEnd: new Date(Date.now() + day),
          totalBudget: 1000,
          bidAmount: 100,
        },
      });
    }
  });

  it('pages through everything with the cursor, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await api()
        .get('/api/v1/campaigns')
        .query({ advertiserId: listAdvertiserId, limit: 7, sort: 'name', ...(cursor === undefined ? {} : { cursor }) })
        .set('authorization', admin);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      seen.push(...response.body.items.map((item: { name: string }) => item.name));
      cursor = response.body.nextCursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    assert.equal(pages, 4);
    assert.equal(seen.length, 25);
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(new Set(seen).size, 25);
  });

  it('filters by status and by name, and sorts descending', async () => {
    const paused = await api()
      .get('/api/v1/campaigns')
      .query({ advertiserId: listAdvertiserId, status: 'paused', limit: 200 })
      .set('authorization', admin);
    assert.equal(paused.body.items.length, 12);
    assert.ok(paused.body.items.every((item: { status: string }) => item.status === 'paused'));
    const winter = await api()
      .get('/api/v1/campaigns')
      .query({ advertiserId: listAdvertiserId, q: 'WINTER', sort: '-name' })
      .set('authorization', admin);
    assert.deepEqual(
      winter.body.items.map((item: { name: string }) => item.name),
      ['Campaign 20 winter', 'Campaign 15 winter', 'Campaign 10 winter', 'Campaign 05 winter', 'Campaign 00 winter'],
    );
  });

  it('caps the page size with a clear error, and refuses unknown parameters, sorts and foreign cursors', async () => {
    const tooBig = await api().get('/api/v1/campaigns?limit=201').set('authorization', admin);
    assert.equal(tooBig.status, 422);
    assert.equal(tooBig.body.errors[0].field, 'limit');
    assert.match(tooBig.body.errors[0].message, /at most 200/);
    const unknown = await api().get('/api/v1/campaigns?colour=red&sort=budget').set('authorization', admin);
    assert.equal(unknown.status, 422);
    assert.deepEqual(unknown.body.errors.map((error: { field: string }) => error.field).sort(), ['colour', 'sort']);
    const first = await api()
      .get('/api/v1/campaigns')
      .query({ advertiserId: listAdvertiserId, limit: 2, sort: 'name' })
      .set('authorization', admin);
    const foreign = await api()
      .get('/api/v1/campaigns')
      .query({ advertiserId: listAdvertiserId, limit: 2, sort: '-name', cursor: first.body.nextCursor })
      .set('authorization', admin);
    assert.equal(foreign.status, 422);
    assert.equal(foreign.body.errors[0].field, 'cursor');
    const garbage = await api().get('/api/v1/campaigns?cursor=%%%').set('authorization', admin);
    assert.equal(garbage.status, 422);
  });
});

describe('audit log and notices', () => {
  it('records every write with actor, before/after and request id', async () => {
    const created = await createCampaign();
    await api()
      .patch(`/api/v1/campaigns/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .set('x-request-id', 'req-audit-1')
      .send({ name: 'Audited' });
    const entries = await fixture.prisma.auditLog.findMany({ where: { entityId: created.body.id }, orderBy: { at: 'asc' } });
    assert.deepEqual(
      entries.map((entry) => entry.action),
      ['campaign.create', 'campaign.update'],
    );
    const update = entries[1]!;
    assert.equal(update.actorKeyId, fixture.adminKeyId);
    assert.equal(update.requestId, 'req-audit-1');
    assert.equal((update.before as { name: string }).name, 'Spring Sale');
    assert.equal((update.after as { name: string }).name, 'Audited');

    const listed = await api().get('/api/v1/audit-log').query({ entityId: created.body.id }).set('authorization', admin);
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.items.map((entry: { action: string }) => entry.action),
      ['campaign.update', 'campaign.create'],
    );
  });

  it('publishes an inventory-changed notice after the write commits', async () => {
    const subscriber = new Redis(config.redisUrl);
    try {
      const received: unknown[] = [];
      await subscriber.subscribe(fixture.keys.inventoryChangedChannel);
      const arrived = new Promise<void>((resolve) => {
        subscriber.on('message', (_channel, message: string) => {
          received.push(JSON.parse(message));
          resolve();
        });
      });
      const created = await createCampaign();
      await arrived;
      assert.deepEqual(
        received.map((notice) => ({ ...(notice as object), at: undefined })),
        [{ entity: 'campaign', id: created.body.id, at: undefined }],
      );
    } finally {
      subscriber.disconnect();
    }
  });
});
