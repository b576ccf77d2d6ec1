// Input the database cannot hold is refused by the API with a 422 naming the field, never a
// 500 from PostgreSQL: budgets past its 32-bit integers, NUL and unpaired surrogates in text,
// id filters and hand-made cursors that are not UUIDs. And an archived ad stays archived.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';

import { adBody, bearer, campaignBody, createRestFixture, etagOf, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let advertiserId: string;

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  advertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Bad Input Outfitters' } })).id;
});
after(async () => {
  await fixture?.close();
});

const api = () => request(fixture.app);
const fieldsOf = (response: { body: { errors?: { field: string }[] } }) => (response.body.errors ?? []).map((error) => error.field);

describe('input the database cannot hold', () => {
  it('refuses budgets past the largest the database stores, on create and on update', async () => {
    const tooBig = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { totalBudget: 2_147_483_648, dailyBudget: 3e9 }));
    assert.equal(tooBig.status, 422, JSON.stringify(tooBig.body));
    assert.deepEqual(fieldsOf(tooBig).sort(), ['dailyBudget', 'totalBudget']);
    const largest = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { totalBudget: 2_147_483_647 }));
    assert.equal(largest.status, 201, JSON.stringify(largest.body));
    const update = await api()
      .patch(`/api/v1/campaigns/${largest.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(largest))
      .send({ totalBudget: 5e9, dailyBudget: 3e9 });
    assert.equal(update.status, 422);
    assert.deepEqual(fieldsOf(update).sort(), ['dailyBudget', 'totalBudget']);
  });

  it('refuses NUL characters and unpaired surrogates in text, naming the field', async () => {
    for (const name of ['a\u0000b', 'lone \ud800 surrogate', 'lone \udc00 low']) {
      const response = await api().post('/api/v1/advertisers').set('authorization', admin).send({ name });
      assert.equal(response.status, 422, `${JSON.stringify(name)}: ${JSON.stringify(response.body)}`);
      assert.deepEqual(fieldsOf(response), ['name']);
    }
    const keyword = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { targeting: { keywords: ['ok', 'n\u0000ul'] } }));
    assert.equal(keyword.status, 422);
    assert.deepEqual(fieldsOf(keyword), ['targeting.keywords.1']);
    const search = await api().get('/api/v1/advertisers?q=a%00b').set('authorization', admin);
    assert.equal(search.status, 422);
    // A paired surrogate (an emoji) is fine.
    assert.equal((await api().post('/api/v1/advertisers').set('authorization', admin).send({ name: 'Campfire 🔥 Supplies' })).status, 201);
  });

  it('refuses id filters and cursors that cannot be row ids', async () => {
    for (const path of [
      '/api/v1/campaigns?advertiserId=abc',
      '/api/v1/ads?campaignId=abc',
      '/api/v1/ads?advertiserId=abc',
      '/api/v1/placements?siteId=abc',
      '/api/v1/api-keys?advertiserId=abc',
    ]) {
      const response = await api().get(path).set('authorization', admin);
      assert.equal(response.status, 422, `${path}: ${response.status} ${JSON.stringify(response.body)}`);
      assert.deepEqual(fieldsOf(response), [new URL(path, 'http://x').searchParams.keys().next().value]);
    }
    const listed = await api().get('/api/v1/advertisers?limit=1').set('authorization', admin);
    assert.ok(listed.body.nextCursor, 'a second page exists');
    const decoded = JSON.parse(Buffer.from(listed.body.nextCursor, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...decoded, i: 'zzz' })).toString('base64url');
    const response = await api().get(`/api/v1/advertisers?limit=1&cursor=${forged}`).set('authorization', admin);
    assert.equal(response.status, 422, JSON.stringify(response.body));
    assert.deepEqual(fieldsOf(response), ['cursor']);
  });
});

describe('archived ads', () => {
  it('stay archived: no edit brings one back', async () => {
    const campaign = await api().post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(advertiserId));
    const created = await api().post('/api/v1/ads').set('authorization', admin).send(adBody(campaign.body.id));
    const approved = await api()
      .patch(`/api/v1/ads/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(created))
      .send({ reviewState: 'approved' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    const archived = await api()
      .post(`/api/v1/ads/${created.body.id}/archive`)
      .set('authorization', admin)
      .set('if-match', etagOf(approved));
    assert.equal(archived.status, 200);
    const revived = await api()
      .patch(`/api/v1/ads/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(archived))
      .send({ status: 'active' });
    assert.equal(revived.status, 409, JSON.stringify(revived.body));
    assert.deepEqual(fieldsOf(revived), ['status']);
    assert.equal((await api().get(`/api/v1/ads/${created.body.id}`).set('authorization', admin)).body.status, 'archived');
  });
});
