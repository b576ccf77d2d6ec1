// REST DELETE refusals for references no foreign key guards: a campaign's targeting.siteIds
// naming a site, and a feature switch scoped to an advertiser.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';

import { bearer, campaignBody, createRestFixture, etagOf, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
});
after(async () => {
  await fixture?.close();
});

function api() {
  return request(fixture.app);
}

/** The problem document of a 409 reference refusal, as every DELETE answers it. */
function assertReferenceConflict(response: request.Response): void {
  assert.equal(response.status, 409, JSON.stringify(response.body));
  assert.match(response.headers['content-type'] ?? '', /^application\/problem\+json/);
  assert.equal(response.body.type, 'urn:ads:problem:conflict');
  assert.equal(response.body.code, 'CONFLICT');
  assert.equal(response.body.status, 409);
}

async function auditActions(entityId: string): Promise<string[]> {
  const rows = await fixture.prisma.auditLog.findMany({ where: { entityId }, orderBy: { at: 'asc' } });
  return rows.map((row) => row.action);
}

describe('deleting a site that campaigns target', () => {
  it('is refused with 409 naming each targeting campaign, and archiving keeps their targeting editable', async () => {
    const advertiser = await fixture.prisma.advertiser.create({ data: { name: 'Targeting Outfitters' } });
    const site = await api().post('/api/v1/sites').set('authorization', admin).send({ name: 'Metro Herald', domain: 'herald.example' });
    assert.equal(site.status, 201);
    const other = await api().post('/api/v1/sites').set('authorization', admin).send({ name: 'Coast Courier', domain: 'courier.example' });
    const targeting = { siteIds: [site.body.id, other.body.id] };
    const first = await api().post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(advertiser.id, { targeting }));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiser.id, { name: 'Autumn Sale', targeting: { siteIds: [site.body.id] } }));
    assert.equal(second.status, 201, JSON.stringify(second.body));

    const refused = await api().delete(`/api/v1/sites/${site.body.id}`).set('authorization', admin);
    assertReferenceConflict(refused);
    assert.ok(refused.body.detail.includes(first.body.id), refused.body.detail);
    assert.ok(refused.body.detail.includes(second.body.id), refused.body.detail);
    assert.ok((await fixture.prisma.site.findUnique({ where: { id: site.body.id } })) !== null, 'the site is still there');
    assert.deepEqual(await auditActions(site.body.id), ['site.create'], 'a refused delete writes no audit row');

    // What the refusal points at: the archived site still exists, so an edit keeping the list passes.
    const archived = await api().post(`/api/v1/sites/${site.body.id}/archive`).set('authorization', admin).set('if-match', etagOf(site));
    assert.equal(archived.status, 200);
    const edited = await api()
      .patch(`/api/v1/campaigns/${first.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(first))
      .send({ targeting: { ...targeting, countries: ['DE'] } });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.deepEqual(edited.body.targeting.siteIds, targeting.siteIds);
  });

  it('is allowed once no campaign targets the site any more', async () => {
    const advertiser = await fixture.prisma.advertiser.create({ data: { name: 'Retargeted Goods' } });
    const site = await api().post('/api/v1/sites').set('authorization', admin).send({ name: 'Valley Voice', domain: 'voice.example' });
    const campaign = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiser.id, { targeting: { siteIds: [site.body.id] } }));
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
    assertReferenceConflict(await api().delete(`/api/v1/sites/${site.body.id}`).set('authorization', admin));

    const untargeted = await api()
      .patch(`/api/v1/campaigns/${campaign.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(campaign))
      .send({ targeting: { siteIds: [] } });
    assert.equal(untargeted.status, 200, JSON.stringify(untargeted.body));
    const removed = await api().delete(`/api/v1/sites/${site.body.id}`).set('authorization', admin).set('if-match', etagOf(site));
    assert.equal(removed.status, 204);
    assert.deepEqual(await auditActions(site.body.id), ['site.create', 'site.delete']);
  });
});

describe('deleting an advertiser that feature switches are scoped to', () => {
  it('is refused with 409 naming each scoped switch, like a placement with scoped switches', async () => {
    const advertiser = await api().post('/api/v1/advertisers').set('authorization', admin).send({ name: 'Switched Apparel' });
    assert.equal(advertiser.status, 201);
    const scoped = await api()
      .post('/api/v1/feature-switches')
      .set('authorization', admin)
      .send({ name: 'serving.enabled', enabled: true, scope: 'advertiser', scopeId: advertiser.body.id });
    assert.equal(scoped.status, 201, JSON.stringify(scoped.body));

    const refused = await api()
      .delete(`/api/v1/advertisers/${advertiser.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(advertiser));
    assertReferenceConflict(refused);
    assert.ok(refused.body.detail.includes(scoped.body.id), refused.body.detail);
    assert.ok(refused.body.detail.includes('serving.enabled'), refused.body.detail);
    assert.ok(
      (await fixture.prisma.advertiser.findUnique({ where: { id: advertiser.body.id } })) !== null,
      'the advertiser is still there',
    );
    assert.ok((await fixture.prisma.featureSwitch.findUnique({ where: { id: scoped.body.id } })) !== null, 'the switch is still there');
    assert.deepEqual(await auditActions(advertiser.body.id), ['advertiser.create'], 'a refused delete writes no audit row');

    // Deleting the switch first (its own audited DELETE) frees the advertiser.
    const switchRemoved = await api()
      .delete(`/api/v1/feature-switches/${scoped.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(scoped));
    assert.equal(switchRemoved.status, 204);
    const removed = await api()
      .delete(`/api/v1/advertisers/${advertiser.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(advertiser));
    assert.equal(removed.status, 204);
    assert.deepEqual(await auditActions(advertiser.body.id), ['advertiser.create', 'advertiser.delete']);
  });

  it('still counts only switches scoped to that advertiser', async () => {
    const advertiser = await api().post('/api/v1/advertisers').set('authorization', admin).send({ name: 'Unswitched Supply' });
    const elsewhere = await api().post('/api/v1/advertisers').set('authorization', admin).send({ name: 'Switched Elsewhere' });
    const unrelated = await api()
      .post('/api/v1/feature-switches')
      .set('authorization', admin)
      .send({ name: 'serving.enabled', enabled: true, scope: 'advertiser', scopeId: elsewhere.body.id });
    assert.equal(unrelated.status, 201, JSON.stringify(unrelated.body));
    const global = await api()
      .post('/api/v1/feature-switches')
      .set('authorization', admin)
      .send({ name: 'serving.house_ads', enabled: true });
    assert.equal(global.status, 201, JSON.stringify(global.body));
    const removed = await api().delete(`/api/v1/advertisers/${advertiser.body.id}`).set('authorization', admin);
    assert.equal(removed.status, 204);
  });
});
