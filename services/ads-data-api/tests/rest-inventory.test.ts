// REST resources besides campaigns and ads: advertisers, sites, placements, feature switches,
// API keys, the audit log and import runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';
import { rest } from '@ads/ads-client';

import { hashApiKeySecret } from '../src/domain/api-key-secret';
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

describe('advertisers', () => {
  it('creates, reads, renames with If-Match, lists and deletes an unreferenced advertiser', async () => {
    const created = await api().post('/api/v1/advertisers').set('authorization', admin).send({ name: 'Northwind', externalId: 'nw-1' });
    assert.equal(created.status, 201);
    rest.advertiserResource.parse(created.body);
    assert.equal(created.body.version, 1);
    const renamed = await api()
      .patch(`/api/v1/advertisers/${created.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(created))
      .send({ name: 'Northwind Traders' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.headers.etag, 'W/"2"');
    const listed = await api().get('/api/v1/advertisers').query({ q: 'northwind' }).set('authorization', admin);
    assert.deepEqual(
      listed.body.items.map((item: { name: string }) => item.name),
      ['Northwind Traders'],
    );
    const stale = await api().delete(`/api/v1/advertisers/${created.body.id}`).set('authorization', admin).set('if-match', 'W/"1"');
    assert.equal(stale.status, 412);
    const deleted = await api().delete(`/api/v1/advertisers/${created.body.id}`).set('authorization', admin).set('if-match', 'W/"2"');
    assert.equal(deleted.status, 204);
  });

  it('refuses to delete an advertiser with campaigns, and archives it (with its campaigns) through PATCH too', async () => {
    const advertiser = await api().post('/api/v1/advertisers').set('authorization', admin).send({ name: 'Contoso' });
    const campaign = await api().post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(advertiser.body.id));
    const refused = await api().delete(`/api/v1/advertisers/${advertiser.body.id}`).set('authorization', admin);
    assert.equal(refused.status, 409);
    const archived = await api()
      .patch(`/api/v1/advertisers/${advertiser.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ status: 'archived' });
    assert.equal(archived.status, 200);
    assert.equal(archived.body.status, 'archived');
    assert.equal((await fixture.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.body.id } })).status, 'archived');
    const archivedList = await api().get('/api/v1/advertisers').query({ status: 'archived' }).set('authorization', admin);
    assert.ok(archivedList.body.items.some((item: { id: string }) => item.id === advertiser.body.id));
  });
});

describe('sites and placements', () => {
  it('creates a site and placements, refuses duplicates and bad keys by field', async () => {
    const site = await api()
      .post('/api/v1/sites')
      .set('authorization', admin)
      .send({ name: 'Daily Planet', domain: 'DailyPlanet.Example', category: 'news' });
    assert.equal(site.status, 201);
    assert.equal(site.body.domain, 'dailyplanet.example');
    rest.siteResource.parse(site.body);
    const duplicate = await api().post('/api/v1/sites').set('authorization', admin).send({ name: 'Copy', domain: 'dailyplanet.example' });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.errors[0].field, 'domain');

    const placement = await api()
      .post('/api/v1/placements')
      .set('authorization', admin)
      .send({ siteId: site.body.id, key: 'dp-home-top', name: 'Home top', allowedFormats: ['banner', 'native', 'banner'] });
    assert.equal(placement.status, 201, JSON.stringify(placement.body));
    assert.deepEqual(placement.body.allowedFormats, ['banner', 'native']);
    assert.equal(placement.body.category, null, 'null: the placement takes its site category');
    rest.placementResource.parse(placement.body);
    const badKey = await api()
      .post('/api/v1/placements')
      .set('authorization', admin)
      .send({ siteId: site.body.id, key: 'Home Top!', name: 'x' });
    assert.equal(badKey.status, 422);
    assert.equal(badKey.body.errors[0].field, 'key');
    const noSite = await api()
      .post('/api/v1/placements')
      .set('authorization', admin)
      .send({ siteId: '01900000-0000-7000-8000-000000000000', key: 'x-1', name: 'x' });
    assert.equal(noSite.status, 422);
    assert.equal(noSite.body.errors[0].field, 'siteId');
    const filtered = await api().get('/api/v1/placements').query({ siteId: site.body.id, format: 'native' }).set('authorization', admin);
    assert.deepEqual(
      filtered.body.items.map((item: { key: string }) => item.key),
      ['dp-home-top'],
    );
  });

  it('archives a site with its placements, and refuses deleting a site that has placements', async () => {
    const site = await api().post('/api/v1/sites').set('authorization', admin).send({ name: 'Gotham Gazette', domain: 'gazette.example' });
    const placement = await api()
      .post('/api/v1/placements')
      .set('authorization', admin)
      .send({ siteId: site.body.id, key: 'gg-side', name: 'Side' });
    const refused = await api().delete(`/api/v1/sites/${site.body.id}`).set('authorization', admin);
    assert.equal(refused.status, 409);
    const archived = await api().post(`/api/v1/sites/${site.body.id}/archive`).set('authorization', admin).set('if-match', etagOf(site));
    assert.equal(archived.status, 200);
    assert.equal((await api().get(`/api/v1/placements/${placement.body.id}`).set('authorization', admin)).body.status, 'archived');
    const late = await api()
      .post('/api/v1/placements')
      .set('authorization', admin)
      .send({ siteId: site.body.id, key: 'gg-late', name: 'Late' });
    assert.equal(late.status, 409);
    const removed = await api().delete(`/api/v1/placements/${placement.body.id}`).set('authorization', admin);
    assert.equal(removed.status, 204);
    assert.equal((await api().delete(`/api/v1/sites/${site.body.id}`).set('authorization', admin)).status, 204);
  });

  it('lets advertiser keys read sites (to target them) but not write them', async () => {
    const advertiser = await fixture.prisma.advertiser.create({ data: { name: 'Site Reader' } });
    const key = await fixture.advertiserKey(advertiser.id);
    assert.equal((await api().get('/api/v1/sites').set('authorization', bearer(key.secret))).status, 200);
    assert.equal((await api().get('/api/v1/placements').set('authorization', bearer(key.secret))).status, 200);
  });
});

describe('feature switches', () => {
  it('creates global and scoped switches, checks the scope target, and toggles with If-Match', async () => {
    const global = await api()
      .post('/api/v1/feature-switches')
      .set('authorization', admin)
      .send({ name: 'serving.enabled', enabled: true });
    assert.equal(global.status, 201);
    rest.featureSwitchResource.parse(global.body);
    assert.equal(global.body.description, null);
    const duplicate = await api().post('/api/v1/feature-switches').set('authorization', admin).send({ name: 'serving.enabled' });
    assert.equal(duplicate.status, 409);
    const missingScope = await api()
      .post('/api/v1/feature-switches')
      .set('authorization', admin)
      .send({ name: 'serving.frequency_caps', scope: 'placement' });
    assert.equal(missingScope.status, 422);
    assert.equal(missingScope.body.errors[0].field, 'scopeId');
    const unknownTarget = await api()
      .post('/api/v1/feature-switches')
      .set('authorization', admin)
      .send({ name: 'serving.frequency_caps', scope: 'advertiser', scopeId: '01900000-0000-7000-8000-000000000000' });
    assert.equal(unknownTarget.status, 422);
    assert.equal(unknownTarget.body.errors[0].field, 'scopeId');
    const tooMuch = await api()
      .patch(`/api/v1/feature-switches/${global.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ percentage: 101 });
    assert.equal(tooMuch.status, 422);
    assert.equal(tooMuch.body.errors[0].field, 'percentage');
    const off = await api()
      .patch(`/api/v1/feature-switches/${global.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(global))
      .send({ enabled: false, description: 'kill switch' });
    assert.equal(off.status, 200);
    assert.equal(off.body.enabled, false);
    const listed = await api().get('/api/v1/feature-switches').query({ enabled: 'false' }).set('authorization', admin);
    assert.deepEqual(
      listed.body.items.map((item: { name: string }) => item.name),
      ['serving.enabled'],
    );
    const removed = await api()
      .delete(`/api/v1/feature-switches/${global.body.id}`)
      .set('authorization', admin)
      .set('if-match', etagOf(off));
    assert.equal(removed.status, 204);
  });
});

describe('API keys', () => {
  it('shows the secret once, stores only its hash, never lists hashes, and revokes', async () => {
    const advertiser = await fixture.prisma.advertiser.create({ data: { name: 'Key Holder' } });
    const missingAdvertiser = await api().post('/api/v1/api-keys').set('authorization', admin).send({ name: 'shop', role: 'advertiser' });
    assert.equal(missingAdvertiser.status, 422);
    assert.equal(missingAdvertiser.body.errors[0].field, 'advertiserId');
    const created = await api()
      .post('/api/v1/api-keys')
      .set('authorization', admin)
      .send({ name: 'shop', role: 'advertiser', advertiserId: advertiser.id });
    assert.equal(created.status, 201);
    const key = rest.apiKeyCreated.parse(created.body);
    assert.match(key.secret, /^ads_/);
    assert.ok(key.secret.startsWith(key.prefix));
    const row = await fixture.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    assert.equal(row.hash, hashApiKeySecret(key.secret));

    const read = await api().get(`/api/v1/api-keys/${key.id}`).set('authorization', admin);
    assert.equal(read.body.secret, undefined);
    assert.equal(read.body.hash, undefined);
    const listed = await api()
      .get('/api/v1/api-keys')
      .query({ role: 'advertiser', advertiserId: advertiser.id })
      .set('authorization', admin);
    assert.ok(!listed.text.includes(row.hash));
    assert.ok(!listed.text.includes(key.secret));
    assert.deepEqual(
      listed.body.items.map((item: { id: string }) => item.id),
      [key.id],
    );

    assert.equal((await api().get('/api/v1/me').set('authorization', bearer(key.secret))).body.advertiserId, advertiser.id);
    const revoked = await api().post(`/api/v1/api-keys/${key.id}/revoke`).set('authorization', admin);
    assert.ok(revoked.body.revokedAt);
    const again = await api().post(`/api/v1/api-keys/${key.id}/revoke`).set('authorization', admin);
    assert.equal(again.body.revokedAt, revoked.body.revokedAt);
    assert.equal((await api().get('/api/v1/me').set('authorization', bearer(key.secret))).status, 401);
    const revokedOnly = await api()
      .get('/api/v1/api-keys')
      .query({ revoked: 'true', advertiserId: advertiser.id })
      .set('authorization', admin);
    assert.deepEqual(
      revokedOnly.body.items.map((item: { id: string }) => item.id),
      [key.id],
    );
    const audit = await fixture.prisma.auditLog.findMany({ where: { entityId: key.id }, orderBy: { at: 'asc' } });
    assert.deepEqual(
      audit.map((entry) => entry.action),
      ['apiKey.create', 'apiKey.revoke'],
    );
    assert.ok(!JSON.stringify(audit).includes(key.secret));
  });
});

describe('audit log and import runs', () => {
  it('lists the audit log for admins, filtered by action and time, paged', async () => {
    const page = await api().get('/api/v1/audit-log').query({ action: 'site.create', limit: 1 }).set('authorization', admin);
    assert.equal(page.status, 200);
    assert.equal(page.body.items.length, 1);
    rest.auditLogEntry.parse(page.body.items[0]);
    assert.ok(page.body.nextCursor);
    const next = await api()
      .get('/api/v1/audit-log')
      .query({ action: 'site.create', limit: 1, cursor: page.body.nextCursor })
      .set('authorization', admin);
    assert.notEqual(next.body.items[0].id, page.body.items[0].id);
    const future = await api().get('/api/v1/audit-log').query({ from: '2999-01-01T00:00:00Z' }).set('authorization', admin);
    assert.deepEqual(future.body.items, []);
    const badTime = await api().get('/api/v1/audit-log').query({ from: 'yesterday' }).set('authorization', admin);
    assert.equal(badTime.status, 422);
    assert.equal(badTime.body.errors[0].field, 'from');
  });

  it('lists import runs newest first and reads one with its row errors', async () => {
    const older = await fixture.prisma.importRun.create({
      data: {
        source: 'feeds/acme.csv',
        format: 'csv',
        status: 'succeeded',
        totalCount: 10,
        createdCount: 10,
        createdAt: new Date('2026-03-01T00:00:00Z'),
      },
    });
    const newer = await fixture.prisma.importRun.create({
      data: {
        source: 'feeds/globex.json',
        format: 'json',
        status: 'partially_succeeded',
        totalCount: 3,
        createdCount: 2,
        failedCount: 1,
        errors: [{ line: 3, field: 'ad.clickUrl', message: 'Invalid URL' }],
        startedAt: new Date('2026-03-02T00:00:00Z'),
        finishedAt: new Date('2026-03-02T00:00:05Z'),
        createdAt: new Date('2026-03-02T00:00:00Z'),
      },
    });
    const listed = await api().get('/api/v1/import-runs').set('authorization', admin);
    assert.deepEqual(
      listed.body.items.map((item: { id: string }) => item.id),
      [newer.id, older.id],
    );
    for (const item of listed.body.items) rest.importRunResource.parse(item);
    const read = await api().get(`/api/v1/import-runs/${newer.id}`).set('authorization', admin);
    assert.deepEqual(read.body.errors, [{ line: 3, field: 'ad.clickUrl', message: 'Invalid URL' }]);
    assert.equal(read.body.failed, 1);
    const failedOnly = await api().get('/api/v1/import-runs').query({ status: 'partially_succeeded' }).set('authorization', admin);
    assert.deepEqual(
      failedOnly.body.items.map((item: { id: string }) => item.id),
      [newer.id],
    );
    assert.equal((await api().get('/api/v1/import-runs/01900000-0000-7000-8000-000000000000').set('authorization', admin)).status, 404);
  });
});
