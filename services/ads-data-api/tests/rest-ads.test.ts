// REST /api/v1/ads: creation in a campaign, review, creative rules, archive instead of delete
// once stats exist, and paging through a long list.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';
import { inventory } from '@ads/ads-client';

import { adBody, bearer, campaignBody, createRestFixture, etagOf, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let advertiserId: string;
let campaignId: string;

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  advertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Acme Outdoor Gear' } })).id;
  const campaign = await request(fixture.app).post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(advertiserId));
  campaignId = campaign.body.id;
});
after(async () => {
  await fixture?.close();
});

function api() {
  return request(fixture.app);
}

describe('ads', () => {
  it('creates an ad pending review, with the advertiser of its campaign', async () => {
    const response = await api()
      .post('/api/v1/ads')
      .set('authorization', admin)
      .send(adBody(campaignId, { format: 'banner', width: 300, height: 250, imageUrl: 'https://cdn.example/a.png' }));
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const ad = inventory.ad.parse(response.body);
    assert.equal(ad.reviewState, 'pending');
    assert.equal(ad.status, 'active');
    assert.equal(ad.advertiserId, advertiserId);
    assert.equal(response.headers.etag, 'W/"1"');
  });

  it('validates creatives, naming each field', async () => {
    const response = await api()
      .post('/api/v1/ads')
      .set('authorization', admin)
      .send(adBody(campaignId, { format: 'banner', clickUrl: 'javascript:alert(1)', imageUrl: 'ftp://x', title: ' ' }));
    assert.equal(response.status, 422);
    assert.deepEqual(response.body.errors.map((error: { field: string }) => error.field).sort(), [
      'clickUrl',
      'imageUrl',
      'title',
      'width',
    ]);
    const banner = await api()
      .post('/api/v1/ads')
      .set('authorization', admin)
      .send(adBody(campaignId, { format: 'banner' }));
    assert.equal(banner.status, 422);
    assert.equal(banner.body.errors[0].field, 'width');
    const unknownCampaign = await api()
      .post('/api/v1/ads')
      .set('authorization', admin)
      .send(adBody('01900000-0000-7000-8000-000000000000'));
    assert.equal(unknownCampaign.status, 422);
    assert.equal(unknownCampaign.body.errors[0].field, 'campaignId');
  });

  it('approves (admin), sends an edited creative back to review, and checks the merged size', async () => {
    const created = await api().post('/api/v1/ads').set('authorization', admin).send(adBody(campaignId));
    const approved = await api()
      .patch(`/api/v1/ads/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(created))
      .send({ reviewState: 'approved' });
    assert.equal(approved.body.reviewState, 'approved');
    const paused = await api()
      .patch(`/api/v1/ads/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(approved))
      .send({ status: 'paused' });
    assert.equal(paused.body.reviewState, 'approved', 'pausing does not need a new review');
    const edited = await api()
      .patch(`/api/v1/ads/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(paused))
      .send({ title: 'New words' });
    assert.equal(edited.body.reviewState, 'pending');
    assert.equal(edited.headers.etag, 'W/"4"');
    const halfSize = await api()
      .patch(`/api/v1/ads/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ width: 300 });
    assert.equal(halfSize.status, 422);
    assert.equal(halfSize.body.errors[0].field, 'height');
    const stale = await api()
      .patch(`/api/v1/ads/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(created))
      .send({ title: 'Lost' });
    assert.equal(stale.status, 412);
  });

  it('archives instead of deleting once stats refer to the ad', async () => {
    const fresh = await api().post('/api/v1/ads').set('authorization', admin).send(adBody(campaignId));
    const removed = await api().delete(`/api/v1/ads/${fresh.body.id}`).set('authorization', admin).set('if-match', 'W/"1"');
    assert.equal(removed.status, 204);
    assert.equal((await api().get(`/api/v1/ads/${fresh.body.id}`).set('authorization', admin)).status, 404);

    const served = await api().post('/api/v1/ads').set('authorization', admin).send(adBody(campaignId));
    await fixture.prisma.hourlyStat.create({
      data: { adId: served.body.id, campaignId, hour: new Date('2026-03-01T10:00:00Z'), impressions: 10, clicks: 1, spendMicros: 5000n },
    });
    const refused = await api().delete(`/api/v1/ads/${served.body.id}`).set('authorization', admin);
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /archive it instead/);
    const archived = await api().post(`/api/v1/ads/${served.body.id}/archive`).set('authorization', admin).set('if-match', etagOf(served));
    assert.equal(archived.status, 200);
    assert.equal(archived.body.status, 'archived');
    const twice = await api().post(`/api/v1/ads/${served.body.id}/archive`).set('authorization', admin).set('if-match', '*');
    assert.equal(twice.status, 409);
  });

  it('freezes the ads of an archived campaign', async () => {
    const campaign = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { name: 'Closing' }));
    const ad = await api().post('/api/v1/ads').set('authorization', admin).send(adBody(campaign.body.id));
    await api().post(`/api/v1/campaigns/${campaign.body.id}/archive`).set('authorization', admin).set('if-match', '*');
    const edit = await api()
      .patch(`/api/v1/ads/${ad.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ title: 'Too late' });
    assert.equal(edit.status, 409);
    const another = await api().post('/api/v1/ads').set('authorization', admin).send(adBody(campaign.body.id));
    assert.equal(another.status, 409);
  });

  it('answers 304 to a GET whose If-None-Match names the current version', async () => {
    const ad = await api().post('/api/v1/ads').set('authorization', admin).send(adBody(campaignId));
    const cached = await api().get(`/api/v1/ads/${ad.body.id}`).set('authorization', admin).set('if-none-match', etagOf(ad));
    assert.equal(cached.status, 304);
  });
});

describe('GET /ads over many rows', () => {
  let bulkCampaignId: string;
  before(async () => {
    const campaign = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { name: 'Bulk' }));
    bulkCampaignId = campaign.body.id;
    // Rows made in one statement share created_at: the id must break the ties.
    await fixture.prisma.$executeRaw`
      INSERT INTO ad (id, campaign_id, format, title, click_url, status, review_state, updated_at, created_at)
      SELECT gen_random_uuid(), ${bulkCampaignId}::uuid, 'native', 'Bulk ad ' || lpad(n::text, 4, '0'), 'https://shop.example/' || n,
             CASE WHEN n % 3 = 0 THEN 'paused'::ad_status ELSE 'active'::ad_status END,
             CASE WHEN n % 2 = 0 THEN 'approved'::review_state ELSE 'pending'::review_state END,
             now(), now()
        FROM generate_series(1, 450) AS n`;
  });

  it('pages through 450 ads sharing one creation time, each exactly once, in both directions', async () => {
    for (const sort of ['createdAt', '-createdAt']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await api()
          .get('/api/v1/ads')
          .query({ campaignId: bulkCampaignId, limit: 200, sort, ...(cursor === undefined ? {} : { cursor }) })
          .set('authorization', admin);
        assert.equal(page.status, 200);
        assert.ok(page.body.items.length <= 200);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor !== undefined);
      assert.equal(seen.length, 450, sort);
      assert.equal(new Set(seen).size, 450, sort);
    }
  });

  it('combines filters', async () => {
    const response = await api()
      .get('/api/v1/ads')
      .query({ campaignId: bulkCampaignId, status: 'paused', reviewState: 'approved', limit: 200 })
      .set('authorization', admin);
    // n divisible by 3 and by 2: 75 of 450.
    assert.equal(response.body.items.length, 75);
    const byTitle = await api().get('/api/v1/ads').query({ q: 'bulk ad 0007' }).set('authorization', admin);
    assert.deepEqual(
      byTitle.body.items.map((item: { title: string }) => item.title),
      ['Bulk ad 0007'],
    );
    const byAdvertiser = await api().get('/api/v1/ads').query({ advertiserId, limit: 1 }).set('authorization', admin);
    assert.equal(byAdvertiser.body.items[0].advertiserId, advertiserId);
  });
});
