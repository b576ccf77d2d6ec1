// REST /api/v1/campaigns: key-value targeting (`targeting.properties`). A bad expression is a
// 422 naming the field and the line and column of the fault; a good one is stored as written,
// read back, replaced and removed with the targeting, and carried into the inventory snapshot.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';
import { inventory } from '@ads/ads-client';

import { readInventorySnapshotPage } from '../src/store/inventory-snapshot-store';
import { bearer, campaignBody, createRestFixture, etagOf, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let advertiserId: string;

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  advertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Sports Gear Ltd' } })).id;
});
after(async () => {
  await fixture?.close();
});

const expression = 'section = "sports" AND (article_tags IN ("nba", "nfl") OR NOT logged_in) AND word_count >= 500';

describe('campaign key-value targeting', () => {
  it('refuses a bad expression with a 422 naming the field, line, column and what was expected, and stores nothing', async () => {
    const before = await fixture.prisma.campaign.count();
    const cases: [string, string][] = [
      ['section = "sports" AND (', 'line 1, column 25: expected a property key, HAS, NOT or "(", found end of expression'],
      ['word_count >= "500"', 'line 1, column 15: expected a number after ">=", found ""500""'],
      [
        'section = "sports"\nOR Section = "news"',
        'line 2, column 4: expected a property key (lower-case a-z, 0-9 and "_", starting with a letter, at most 40), found "Section"',
      ],
    ];
    for (const [text, message] of cases) {
      const response = await request(fixture.app)
        .post('/api/v1/campaigns')
        .set('authorization', admin)
        .send(campaignBody(advertiserId, { targeting: { properties: text } }));
      assert.equal(response.status, 422, JSON.stringify(response.body));
      assert.equal(response.body.code, 'VALIDATION_FAILED');
      assert.deepEqual(response.body.errors, [{ field: 'targeting.properties', message }]);
    }
    assert.equal(await fixture.prisma.campaign.count(), before);
  });

  it('stores an expression as written, reads it back, replaces it with the targeting and removes it with null', async () => {
    const created = await request(fixture.app)
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { targeting: { countries: ['US'], properties: expression } }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const campaign = inventory.campaign.parse(created.body);
    assert.equal(campaign.targeting.properties, expression);
    const read = await request(fixture.app).get(`/api/v1/campaigns/${campaign.id}`).set('authorization', admin);
    assert.equal(read.body.targeting.properties, expression);

    const patched = await request(fixture.app)
      .patch(`/api/v1/campaigns/${campaign.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(read))
      .send({ targeting: { properties: 'has author' } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.targeting.properties, 'has author');
    assert.deepEqual(patched.body.targeting.countries, [], 'targeting is replaced whole');

    const refused = await request(fixture.app)
      .patch(`/api/v1/campaigns/${campaign.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(patched))
      .send({ targeting: { properties: 'has' } });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.errors[0].field, 'targeting.properties');
    assert.match(refused.body.errors[0].message, /^line 1, column 4: expected a property key/);
    const unchanged = await fixture.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    assert.equal(unchanged.propertyExpression, 'has author');

    const cleared = await request(fixture.app)
      .patch(`/api/v1/campaigns/${campaign.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(patched))
      .send({ targeting: { properties: null } });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(cleared.body.targeting.properties, null);
  });

  it('carries the expression into the inventory snapshot that cache-warming reads', async () => {
    const created = await request(fixture.app)
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { targeting: { properties: expression } }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await fixture.prisma.campaign.update({ where: { id: created.body.id }, data: { status: 'active' } });
    const snapshot = await readInventorySnapshotPage(fixture.prisma, { cursor: undefined, limit: 1000 });
    const carried = snapshot.campaigns.find((campaign) => campaign.id === created.body.id);
    assert.equal(carried?.targeting.properties, expression);
  });
});
