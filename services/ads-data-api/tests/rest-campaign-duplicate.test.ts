// POST /campaigns/{id}/duplicate: a draft copy with the campaign's settings and its ads that are
// not archived, audited; advertiser keys copy their own campaigns only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';
import { inventory } from '@ads/ads-client';

import { adBody, bearer, campaignBody, createRestFixture, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let advertiserId: string;
let campaignId: string;

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  advertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Copier' } })).id;
  const created = await request(fixture.app)
    .post('/api/v1/campaigns')
    .set('authorization', admin)
    .send(
      campaignBody(advertiserId, {
        name: 'Original',
        externalId: 'feed-1',
        frequencyCap: { count: 3, windowSeconds: 86_400 },
        targeting: { countries: ['FR'], keywords: ['ski'] },
      }),
    );
  assert.equal(created.status, 201, JSON.stringify(created.body));
  campaignId = created.body.id as string;
  for (const title of ['Kept', 'Also kept', 'Archived']) {
    const ad = await request(fixture.app)
      .post('/api/v1/ads')
      .set('authorization', admin)
      .send(adBody(campaignId, { title, externalId: `ad-${title}` }));
    assert.equal(ad.status, 201, JSON.stringify(ad.body));
  }
  await fixture.prisma.ad.updateMany({ where: { campaignId, title: 'Archived' }, data: { status: 'archived' } });
  await fixture.prisma.campaign.update({ where: { id: campaignId }, data: { status: 'active' } });
});
after(async () => {
  await fixture?.close();
});

function duplicate(id: string, body: unknown, key = admin) {
  return request(fixture.app)
    .post(`/api/v1/campaigns/${id}/duplicate`)
    .set('authorization', key)
    .send(body as object);
}

describe('POST /campaigns/{id}/duplicate', () => {
  it('creates a draft copy with the same settings and copies of the ads that are not archived', async () => {
    const response = await duplicate(campaignId, {});
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const copy = inventory.campaign.parse(response.body);
    assert.notEqual(copy.id, campaignId);
    assert.equal(response.headers.location, `/api/v1/campaigns/${copy.id}`);
    assert.equal(copy.name, 'Copy of Original');
    assert.equal(copy.status, 'draft');
    assert.equal(copy.externalId, null, 'the external id belongs to the original feed row');
    assert.deepEqual(copy.frequencyCap, { count: 3, windowSeconds: 86_400 });
    assert.deepEqual([copy.targeting.countries, copy.targeting.keywords], [['FR'], ['ski']]);
    const ads = await fixture.prisma.ad.findMany({ where: { campaignId: copy.id }, orderBy: { createdAt: 'asc' } });
    assert.deepEqual(ads.map((ad) => [ad.title, ad.externalId]).sort(), [
      ['Also kept', null],
      ['Kept', null],
    ]);
    const originals = await fixture.prisma.ad.count({ where: { campaignId } });
    assert.equal(originals, 3, 'the original keeps its ads');
    const audit = await fixture.prisma.auditLog.findFirst({ where: { action: 'campaign.duplicate', entityId: copy.id } });
    assert.ok(audit, 'the copy is audited');
  });

  it('takes a name, refuses an empty one, and answers 404 for an unknown or invisible campaign', async () => {
    const named = await duplicate(campaignId, { name: 'Winter edition' });
    assert.equal(named.status, 201);
    assert.equal(named.body.name, 'Winter edition');
    const empty = await duplicate(campaignId, { name: '' });
    assert.equal(empty.status, 422);
    assert.equal(empty.body.errors[0].field, 'name');
    assert.equal((await duplicate('0190f7a0-0000-7000-8000-000000000000', {})).status, 404);
    const stranger = (await fixture.prisma.advertiser.create({ data: { name: 'Stranger' } })).id;
    const key = await fixture.advertiserKey(stranger);
    assert.equal((await duplicate(campaignId, {}, bearer(key.secret))).status, 404);
    const own = await fixture.advertiserKey(advertiserId);
    assert.equal((await duplicate(campaignId, {}, bearer(own.secret))).status, 201);
  });

  it('is in the OpenAPI document', async () => {
    const document = (await request(fixture.app).get('/api/v1/openapi.json')).body as { paths: Record<string, { post?: unknown }> };
    assert.ok(document.paths['/campaigns/{id}/duplicate']?.post);
  });
});
