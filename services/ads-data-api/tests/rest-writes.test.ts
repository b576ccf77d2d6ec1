// How REST writes behave as a whole: Idempotency-Key replays, no partial writes when any step
// fails (audit insert, constraint, cascade), hostile-looking strings stored verbatim.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';

import { adBody, bearer, campaignBody, createRestFixture, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let advertiserId: string;

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  advertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Acme Outdoor Gear' } })).id;
  // A way to make the audit insert fail on demand, as a broken disk or a bug would: the
  // whole write must then roll back.
  await fixture.prisma.$executeRawUnsafe(`
    CREATE FUNCTION refuse_marked_audit() RETURNS trigger AS $$
    BEGIN
      IF NEW.after::text LIKE '%audit-must-fail%' THEN RAISE EXCEPTION 'audit insert refused (test)'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await fixture.prisma.$executeRawUnsafe(
    `CREATE TRIGGER refuse_marked_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_marked_audit()`,
  );
});
after(async () => {
  await fixture?.close();
});

function api() {
  return request(fixture.app);
}

describe('Idempotency-Key', () => {
  it('replays the first answer to a retry, without writing twice', async () => {
    const body = campaignBody(advertiserId, { name: 'Idempotent' });
    const first = await api().post('/api/v1/campaigns').set('authorization', admin).set('idempotency-key', 'retry-1').send(body);
    assert.equal(first.status, 201);
    // Same body with its keys in another order: still the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await api().post('/api/v1/campaigns').set('authorization', admin).set('idempotency-key', 'retry-1').send(reordered);
    assert.equal(second.status, 201);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers.etag, first.headers.etag);
    assert.equal(second.headers.location, first.headers.location);
    assert.equal(await fixture.prisma.campaign.count({ where: { name: 'Idempotent' } }), 1);
    assert.equal(await fixture.prisma.auditLog.count({ where: { entityId: first.body.id } }), 1);
  });

  it('refuses the same key with another body (422) and writes nothing', async () => {
    await api().post('/api/v1/advertisers').set('authorization', admin).set('idempotency-key', 'key-2').send({ name: 'First Body' });
    const reused = await api()
      .post('/api/v1/advertisers')
      .set('authorization', admin)
      .set('idempotency-key', 'key-2')
      .send({ name: 'Second Body' });
    assert.equal(reused.status, 422);
    assert.equal(reused.body.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(await fixture.prisma.advertiser.count({ where: { name: 'Second Body' } }), 0);
  });

  it('keeps keys per API key: another caller may use the same key', async () => {
    const secondAdmin = await api().post('/api/v1/api-keys').set('authorization', admin).send({ name: 'second admin', role: 'admin' });
    const one = await api()
      .post('/api/v1/sites')
      .set('authorization', admin)
      .set('idempotency-key', 'shared')
      .send({ name: 'One', domain: 'one.example' });
    const two = await api()
      .post('/api/v1/sites')
      .set('authorization', bearer(secondAdmin.body.secret))
      .set('idempotency-key', 'shared')
      .send({ name: 'Two', domain: 'two.example' });
    assert.equal(one.status, 201);
    assert.equal(two.status, 201);
    assert.notEqual(one.body.id, two.body.id);
  });

  it('settles concurrent retries with the same key to one write', async () => {
    const body = campaignBody(advertiserId, { name: 'Concurrent' });
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        api().post('/api/v1/campaigns').set('authorization', admin).set('idempotency-key', 'burst').send(body),
      ),
    );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [201, 201, 201, 201],
    );
    assert.equal(new Set(answers.map((answer) => answer.body.id)).size, 1);
    assert.equal(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true').length, 3);
    assert.equal(await fixture.prisma.campaign.count({ where: { name: 'Concurrent' } }), 1);
  });

  it('does not record failures: a retry after a refused request can succeed', async () => {
    const refused = await api()
      .post('/api/v1/sites')
      .set('authorization', admin)
      .set('idempotency-key', 'fix-me')
      .send({ name: 'Bad', domain: 'not a domain' });
    assert.equal(refused.status, 422);
    const fixed = await api()
      .post('/api/v1/sites')
      .set('authorization', admin)
      .set('idempotency-key', 'fix-me')
      .send({ name: 'Bad', domain: 'not a domain' });
    assert.equal(fixed.status, 422);
    assert.equal(await fixture.prisma.idempotencyRecord.count({ where: { key: 'fix-me' } }), 0);
  });

  it('replays transitions too, and refuses bad keys and keys on PATCH', async () => {
    const campaign = await api().post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(advertiserId));
    const pausedOnce = await api()
      .post(`/api/v1/campaigns/${campaign.body.id}/archive`)
      .set('authorization', admin)
      .set('if-match', 'W/"1"')
      .set('idempotency-key', 'arch-1');
    const pausedTwice = await api()
      .post(`/api/v1/campaigns/${campaign.body.id}/archive`)
      .set('authorization', admin)
      .set('if-match', 'W/"1"')
      .set('idempotency-key', 'arch-1');
    assert.equal(pausedOnce.status, 200);
    assert.equal(pausedTwice.status, 200);
    assert.equal(pausedTwice.headers['idempotent-replayed'], 'true');
    const tooLong = await api()
      .post('/api/v1/advertisers')
      .set('authorization', admin)
      .set('idempotency-key', 'x'.repeat(256))
      .send({ name: 'Long' });
    assert.equal(tooLong.status, 422);
    assert.equal(tooLong.body.errors[0].field, 'Idempotency-Key');
    const onPatch = await api()
      .patch(`/api/v1/advertisers/${advertiserId}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .set('idempotency-key', 'p')
      .send({ name: 'X' });
    assert.equal(onPatch.status, 422);
  });

  it('never stores an API key secret, so a replayed key creation is a 409', async () => {
    const first = await api()
      .post('/api/v1/api-keys')
      .set('authorization', admin)
      .set('idempotency-key', 'new-key')
      .send({ name: 'ops', role: 'service' });
    assert.equal(first.status, 201);
    assert.match(first.body.secret, /^ads_/);
    const replay = await api()
      .post('/api/v1/api-keys')
      .set('authorization', admin)
      .set('idempotency-key', 'new-key')
      .send({ name: 'ops', role: 'service' });
    assert.equal(replay.status, 409);
    assert.match(replay.body.detail, new RegExp(first.body.id));
    const stored = await fixture.prisma.idempotencyRecord.findFirstOrThrow({ where: { key: 'new-key' } });
    assert.ok(!JSON.stringify(stored.body).includes(first.body.secret), 'the secret is not in the idempotency record');
    assert.equal((stored.body as { secret?: string }).secret, undefined);
    assert.equal(await fixture.prisma.apiKey.count({ where: { name: 'ops' } }), 1);
  });
});

describe('no partial writes', () => {
  it('rolls a campaign update back when its audit entry cannot be written', async () => {
    const campaign = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiserId, { name: 'Before' }));
    const response = await api()
      .patch(`/api/v1/campaigns/${campaign.body.id}`)
      .set('authorization', admin)
      .set('if-match', '*')
      .send({ name: 'audit-must-fail' });
    assert.equal(response.status, 500);
    assert.equal(response.body.code, 'INTERNAL');
    const row = await fixture.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.body.id } });
    assert.equal(row.name, 'Before');
    assert.equal(row.version, 1);
    assert.equal(await fixture.prisma.auditLog.count({ where: { entityId: campaign.body.id } }), 1);
  });

  it('rolls a create back, idempotency record included, when the audit insert fails', async () => {
    const response = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .set('idempotency-key', 'doomed')
      .send(campaignBody(advertiserId, { name: 'audit-must-fail' }));
    assert.equal(response.status, 500);
    assert.equal(await fixture.prisma.campaign.count({ where: { name: 'audit-must-fail' } }), 0);
    assert.equal(await fixture.prisma.idempotencyRecord.count({ where: { key: 'doomed' } }), 0);
  });

  it('rolls back a cascade: archiving an advertiser leaves its campaigns alone when a later step fails', async () => {
    const doomed = await fixture.prisma.advertiser.create({ data: { name: 'audit-must-fail advertiser' } });
    for (const name of ['One', 'Two']) {
      await api().post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(doomed.id, { name }));
    }
    const response = await api().post(`/api/v1/advertisers/${doomed.id}/archive`).set('authorization', admin).set('if-match', '*');
    assert.equal(response.status, 500);
    assert.equal((await fixture.prisma.advertiser.findUniqueOrThrow({ where: { id: doomed.id } })).status, 'active');
    assert.equal(await fixture.prisma.campaign.count({ where: { advertiserId: doomed.id, status: 'archived' } }), 0);
  });

  it('answers a unique violation with 409 naming the field, and writes nothing', async () => {
    const before = await fixture.prisma.auditLog.count();
    const duplicate = await api().post('/api/v1/advertisers').set('authorization', admin).send({ name: 'Acme Outdoor Gear' });
    assert.equal(duplicate.status, 409);
    assert.deepEqual(duplicate.body.errors, [{ field: 'name', message: 'another advertiser already has this name' }]);
    assert.equal(await fixture.prisma.auditLog.count(), before);
  });

  it('archives an advertiser with its campaigns in one write', async () => {
    const advertiser = await fixture.prisma.advertiser.create({ data: { name: 'Closing Down' } });
    const campaign = await api().post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(advertiser.id));
    const archived = await api().post(`/api/v1/advertisers/${advertiser.id}/archive`).set('authorization', admin).set('if-match', 'W/"1"');
    assert.equal(archived.status, 200);
    assert.equal(archived.body.status, 'archived');
    assert.equal((await fixture.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.body.id } })).status, 'archived');
    const refused = await api().post('/api/v1/campaigns').set('authorization', admin).send(campaignBody(advertiser.id));
    assert.equal(refused.status, 409);
  });
});

describe('hostile-looking strings', () => {
  const sql = "Robert'); DROP TABLE campaign;--";
  const html = '<script>alert("x")</script><img src=x onerror=alert(1)>';

  it('stores SQL- and HTML-looking text verbatim and answers it as escaped JSON', async () => {
    const advertiser = await api().post('/api/v1/advertisers').set('authorization', admin).send({ name: sql });
    assert.equal(advertiser.status, 201);
    const campaign = await api()
      .post('/api/v1/campaigns')
      .set('authorization', admin)
      .send(campaignBody(advertiser.body.id, { name: html }));
    assert.equal(campaign.status, 201);
    const ad = await api()
      .post('/api/v1/ads')
      .set('authorization', admin)
      .send(adBody(campaign.body.id, { title: html, body: sql }));
    assert.equal(ad.status, 201);

    assert.equal((await fixture.prisma.advertiser.findUniqueOrThrow({ where: { id: advertiser.body.id } })).name, sql);
    assert.equal((await fixture.prisma.campaign.findUniqueOrThrow({ where: { id: campaign.body.id } })).name, html);
    const read = await api().get(`/api/v1/ads/${ad.body.id}`).set('authorization', admin);
    assert.equal(read.body.title, html);
    assert.equal(read.body.body, sql);
    assert.ok(!read.text.includes('<script>'), 'angle brackets are escaped in the JSON text');
    assert.match(read.text, /\\u003cscript\\u003e/);
    assert.equal(read.headers['x-content-type-options'], 'nosniff');
    const searched = await api().get('/api/v1/campaigns').query({ q: '<script>' }).set('authorization', admin);
    assert.deepEqual(
      searched.body.items.map((item: { id: string }) => item.id),
      [campaign.body.id],
    );
    assert.ok((await fixture.prisma.campaign.count()) > 0, 'the campaign table is still there');
  });

  it('answers 405 with Allow for a method a resource does not have', async () => {
    const response = await api().put('/api/v1/campaigns').set('authorization', admin).send({});
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'GET, POST');
  });
});
