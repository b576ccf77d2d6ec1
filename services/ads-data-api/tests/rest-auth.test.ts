// REST authentication, roles and advertiser scoping: 401 without a valid key, 403 for the
// wrong role, and an advertiser key that sees only its advertiser (other rows are 404).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';

import { adBody, bearer, campaignBody, createRestFixture, etagOf, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let service: string;
let mine: { advertiserId: string; key: string; keyId: string; campaignId: string; adId: string };
let theirs: { advertiserId: string; campaignId: string; adId: string };

async function seedAdvertiser(name: string) {
  const advertiser = await fixture.prisma.advertiser.create({ data: { name } });
  const campaign = await request(fixture.app)
    .post('/api/v1/campaigns')
    .set('authorization', admin)
    .send(campaignBody(advertiser.id, { name: `${name} campaign` }));
  const ad = await request(fixture.app)
    .post('/api/v1/ads')
    .set('authorization', admin)
    .send(adBody(campaign.body.id, { title: `${name} ad` }));
  return { advertiserId: advertiser.id, campaignId: campaign.body.id as string, adId: ad.body.id as string };
}

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  service = bearer(fixture.serviceKey);
  const own = await seedAdvertiser('Mine');
  const key = await fixture.advertiserKey(own.advertiserId);
  mine = { ...own, key: bearer(key.secret), keyId: key.id };
  theirs = await seedAdvertiser('Theirs');
});
after(async () => {
  await fixture?.close();
});

function api() {
  return request(fixture.app);
}

describe('authentication', () => {
  it('answers 401 with a problem document without a key, with a malformed header or an unknown key', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer ads_not-a-real-key']) {
      const call = api().get('/api/v1/campaigns');
      if (authorization !== undefined) call.set('authorization', authorization);
      const response = await call;
      assert.equal(response.status, 401);
      assert.equal(response.body.code, 'UNAUTHORIZED');
      assert.match(response.headers['www-authenticate'] ?? '', /^Bearer/);
      assert.match(response.headers['content-type'] ?? '', /^application\/problem\+json/);
    }
  });

  it('refuses a revoked key', async () => {
    const key = await fixture.advertiserKey(mine.advertiserId);
    assert.equal((await api().get('/api/v1/me').set('authorization', bearer(key.secret))).status, 200);
    const revoked = await api().post(`/api/v1/api-keys/${key.id}/revoke`).set('authorization', admin);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    assert.equal((await api().get('/api/v1/me').set('authorization', bearer(key.secret))).status, 401);
  });

  it('tells a key who it is', async () => {
    const me = await api().get('/api/v1/me').set('authorization', mine.key);
    assert.deepEqual(me.body, { keyId: mine.keyId, role: 'advertiser', advertiserId: mine.advertiserId });
  });

  it('serves the OpenAPI document and the docs page without a key', async () => {
    const document = await api().get('/api/v1/openapi.json');
    assert.equal(document.status, 200);
    assert.equal(document.body.openapi, '3.1.0');
    const docs = await api().get('/api/docs/');
    assert.equal(docs.status, 200);
    assert.match(docs.text, /swagger-ui/i);
  });
});

describe('roles', () => {
  it('lets service keys read but not write', async () => {
    assert.equal((await api().get('/api/v1/campaigns').set('authorization', service)).status, 200);
    assert.equal((await api().get('/api/v1/feature-switches').set('authorization', service)).status, 200);
    assert.equal((await api().get('/api/v1/import-runs').set('authorization', service)).status, 200);
    const write = await api().post('/api/v1/campaigns').set('authorization', service).send(campaignBody(mine.advertiserId));
    assert.equal(write.status, 403);
    assert.equal(write.body.code, 'FORBIDDEN');
  });

  it('keeps advertiser keys out of admin resources', async () => {
    for (const path of ['/api/v1/api-keys', '/api/v1/audit-log', '/api/v1/feature-switches', '/api/v1/import-runs']) {
      const response = await api().get(path).set('authorization', mine.key);
      assert.equal(response.status, 403, path);
    }
    const site = await api().post('/api/v1/sites').set('authorization', mine.key).send({ name: 'Mine', domain: 'mine.example' });
    assert.equal(site.status, 403);
    const advertiser = await api().post('/api/v1/advertisers').set('authorization', mine.key).send({ name: 'Sneaky' });
    assert.equal(advertiser.status, 403);
  });

  it('checks the role before validating the body', async () => {
    const response = await api().post('/api/v1/sites').set('authorization', service).send({ bogus: true });
    assert.equal(response.status, 403);
  });
});

describe('advertiser scoping', () => {
  it("answers 404 for another advertiser's rows, exactly as for rows that do not exist", async () => {
    const paths = [
      `/api/v1/advertisers/${theirs.advertiserId}`,
      `/api/v1/campaigns/${theirs.campaignId}`,
      `/api/v1/ads/${theirs.adId}`,
      `/api/v1/reports/campaigns/${theirs.campaignId}`,
      `/api/v1/reports/ads/${theirs.adId}`,
    ];
    for (const path of paths) {
      const response = await api().get(path).set('authorization', mine.key);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.code, 'NOT_FOUND');
      assert.equal((await api().get(path).set('authorization', admin)).status, 200, path);
    }
  });

  it("cannot change, transition or delete another advertiser's rows", async () => {
    const patch = await api()
      .patch(`/api/v1/campaigns/${theirs.campaignId}`)
      .set('authorization', mine.key)
      .set('if-match', '*')
      .send({ name: 'Mine now' });
    assert.equal(patch.status, 404);
    const pause = await api().post(`/api/v1/campaigns/${theirs.campaignId}/archive`).set('authorization', mine.key).set('if-match', '*');
    assert.equal(pause.status, 404);
    const removeAd = await api().delete(`/api/v1/ads/${theirs.adId}`).set('authorization', mine.key);
    assert.equal(removeAd.status, 404);
    const campaign = await fixture.prisma.campaign.findUniqueOrThrow({ where: { id: theirs.campaignId } });
    assert.equal(campaign.name, 'Theirs campaign');
    assert.equal(campaign.status, 'draft');
    assert.equal(await fixture.prisma.ad.count({ where: { id: theirs.adId } }), 1);
  });

  it('filters lists to its own rows, whatever the query asks for', async () => {
    const campaigns = await api().get('/api/v1/campaigns').set('authorization', mine.key);
    assert.deepEqual(
      campaigns.body.items.map((item: { id: string }) => item.id),
      [mine.campaignId],
    );
    const asked = await api().get('/api/v1/campaigns').query({ advertiserId: theirs.advertiserId }).set('authorization', mine.key);
    assert.deepEqual(asked.body.items, []);
    const ads = await api().get('/api/v1/ads').set('authorization', mine.key);
    assert.deepEqual(
      ads.body.items.map((item: { id: string }) => item.id),
      [mine.adId],
    );
    const adsOfTheirs = await api().get('/api/v1/ads').query({ campaignId: theirs.campaignId }).set('authorization', mine.key);
    assert.deepEqual(adsOfTheirs.body.items, []);
    const advertisers = await api().get('/api/v1/advertisers').set('authorization', mine.key);
    assert.deepEqual(
      advertisers.body.items.map((item: { id: string }) => item.id),
      [mine.advertiserId],
    );
    const all = await api().get('/api/v1/campaigns').set('authorization', admin);
    assert.equal(all.body.items.length, 2);
  });

  it('refuses a campaign for another advertiser, and an ad in a campaign it cannot see', async () => {
    const campaign = await api().post('/api/v1/campaigns').set('authorization', mine.key).send(campaignBody(theirs.advertiserId));
    assert.equal(campaign.status, 403);
    assert.equal(campaign.body.errors[0].field, 'advertiserId');
    const ad = await api().post('/api/v1/ads').set('authorization', mine.key).send(adBody(theirs.campaignId));
    assert.equal(ad.status, 422);
    assert.equal(ad.body.errors[0].field, 'campaignId');
    assert.equal(await fixture.prisma.campaign.count({ where: { advertiserId: theirs.advertiserId } }), 1);
  });

  it('lets an advertiser manage its own campaigns and ads, but not review them', async () => {
    const created = await api()
      .post('/api/v1/campaigns')
      .set('authorization', mine.key)
      .send(campaignBody(mine.advertiserId, { name: 'Own' }));
    assert.equal(created.status, 201);
    const ad = await api().post('/api/v1/ads').set('authorization', mine.key).send(adBody(created.body.id));
    assert.equal(ad.status, 201);
    const approve = await api()
      .patch(`/api/v1/ads/${ad.body.id}`)
      .set('authorization', mine.key)
      .set('if-match', etagOf(ad))
      .send({ reviewState: 'approved' });
    assert.equal(approve.status, 403);
    assert.equal(approve.body.errors[0].field, 'reviewState');
    const retitle = await api()
      .patch(`/api/v1/ads/${ad.body.id}`)
      .set('authorization', mine.key)
      .set('if-match', etagOf(ad))
      .send({ title: 'Better title' });
    assert.equal(retitle.status, 200);
  });
});
