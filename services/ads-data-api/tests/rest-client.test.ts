// The typed REST client of libs/ads-client against a listening ads-data-api.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { createDataApiRestClient, DataApiProblemError, type DataApiRestClient } from '@ads/ads-client';

import { createRestFixture, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let server: Server;
let baseUrl: string;
let client: DataApiRestClient;

const day = 86_400_000;

before(async () => {
  fixture = await createRestFixture();
  server = fixture.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createDataApiRestClient({ baseUrl, apiKey: fixture.adminKey });
});
after(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  await fixture?.close();
});

function flight() {
  return { flightStart: new Date(Date.now() - day).toISOString(), flightEnd: new Date(Date.now() + 20 * day).toISOString() };
}

describe('DataApiRestClient', () => {
  it('runs a campaign from creation to activation with ETags', async () => {
    const advertiser = await client.advertisers.create({ name: 'Client Co' }, { idempotencyKey: 'client-adv-1' });
    assert.equal(advertiser.etag, 'W/"1"');
    const campaign = await client.campaigns.create({
      advertiserId: advertiser.data.id,
      name: 'Launch',
      totalBudget: 50_000,
      bidAmount: 300,
      ...flight(),
    });
    assert.equal(campaign.data.status, 'draft');
    const ad = await client.ads.create({ campaignId: campaign.data.id, title: 'Hello', clickUrl: 'https://client.example' });
    await client.ads.update(ad.data.id, { reviewState: 'approved' }, { ifMatch: ad.etag });

    const activated = await client.campaigns.activate(campaign.data.id, { ifMatch: campaign.etag });
    assert.equal(activated.data.status, 'active');
    assert.equal(activated.etag, 'W/"2"');
    const read = await client.campaigns.get(campaign.data.id);
    assert.deepEqual(read, activated);

    const renamed = await client.campaigns.update(campaign.data.id, { name: 'Launch 2' }, { ifMatch: read.etag });
    assert.equal(renamed.data.name, 'Launch 2');
    assert.equal(renamed.data.dailyBudget, null);
  });

  it('raises problems as DataApiProblemError with status, code and field errors', async () => {
    const advertiser = await client.advertisers.create({ name: 'Problem Co' });
    await assert.rejects(
      client.campaigns.create({
        advertiserId: advertiser.data.id,
        name: 'Bad',
        totalBudget: 1,
        bidAmount: 1,
        ...flight(),
        targeting: { countries: ['usa'] },
      }),
      (error: unknown) => {
        assert.ok(error instanceof DataApiProblemError);
        assert.equal(error.status, 422);
        assert.equal(error.code, 'VALIDATION_FAILED');
        assert.deepEqual(
          error.errors.map((problem) => problem.field),
          ['targeting.countries.0'],
        );
        assert.match(error.fieldError('targeting.countries.0') ?? '', /ISO 3166/);
        return true;
      },
    );
    const campaign = await client.campaigns.create({
      advertiserId: advertiser.data.id,
      name: 'Stale',
      totalBudget: 1,
      bidAmount: 1,
      ...flight(),
    });
    await client.campaigns.update(campaign.data.id, { name: 'First' }, { ifMatch: campaign.etag });
    await assert.rejects(client.campaigns.update(campaign.data.id, { name: 'Second' }, { ifMatch: campaign.etag }), {
      name: 'DataApiProblemError',
      status: 412,
      code: 'PRECONDITION_FAILED',
    });
    await assert.rejects(client.campaigns.activate(campaign.data.id, { ifMatch: '*' }), { status: 409, code: 'CONFLICT' });
    await assert.rejects(client.ads.get('01900000-0000-7000-8000-000000000000'), { status: 404, code: 'NOT_FOUND' });
  });

  it('runs a forecast: zeros without recorded requests, a problem naming the field for bad input', async () => {
    const answer = await client.forecasts.run({ campaign: { ...flight(), totalBudget: 1_000, bidAmount: 100 } });
    assert.ok(answer.days.length >= 20 && answer.days.length <= 21, String(answer.days.length));
    assert.equal(answer.totals.opportunities, 0);
    assert.ok(answer.assumptions.some((text) => /no recorded requests yet/i.test(text)));
    await assert.rejects(
      client.forecasts.run({ campaign: { ...flight(), totalBudget: 1_000, bidAmount: 100, targeting: { countries: ['usa'] } } }),
      (error: unknown) =>
        error instanceof DataApiProblemError &&
        error.status === 422 &&
        error.errors.some((field) => field.field === 'campaign.targeting.countries.0'),
    );
  });

  it('lists with filters and follows cursors with listAll', async () => {
    const advertiser = await client.advertisers.create({ name: 'Many Co' });
    for (let index = 0; index < 5; index += 1) {
      await client.campaigns.create({ advertiserId: advertiser.data.id, name: `Many ${index}`, totalBudget: 1, bidAmount: 1, ...flight() });
    }
    const page = await client.campaigns.list({ advertiserId: advertiser.data.id, limit: 2, sort: 'name' });
    assert.deepEqual(
      page.items.map((item) => item.name),
      ['Many 0', 'Many 1'],
    );
    assert.ok(page.nextCursor);
    const names: string[] = [];
    for await (const campaign of client.campaigns.listAll({ advertiserId: advertiser.data.id, limit: 2, sort: '-name' }))
      names.push(campaign.name);
    assert.deepEqual(names, ['Many 4', 'Many 3', 'Many 2', 'Many 1', 'Many 0']);
  });

  it('manages keys, reads reports, the audit log and the OpenAPI document', async () => {
    const key = await client.apiKeys.create({ name: 'reader', role: 'service' });
    assert.match(key.secret, /^ads_/);
    const asService = createDataApiRestClient({ baseUrl, apiKey: key.secret });
    assert.equal((await asService.me()).role, 'service');
    await assert.rejects(asService.advertisers.create({ name: 'Nope' }), { status: 403, code: 'FORBIDDEN' });
    await client.apiKeys.revoke(key.id);
    await assert.rejects(asService.me(), { status: 401, code: 'UNAUTHORIZED' });

    const campaigns = await client.campaigns.list({ limit: 1 });
    const report = await client.reports.campaign(campaigns.items[0]!.id, { granularity: 'hour' });
    assert.equal(report.points.length, 24);
    assert.equal(report.source, 'database');
    const audit = await client.auditLog.list({ action: 'apiKey.revoke' });
    assert.equal(audit.items[0]?.entityId, key.id);
    const document = await client.openApi();
    assert.equal(document.openapi, '3.1.0');
  });

  it('reports an unreachable server as UNAVAILABLE', async () => {
    const nowhere = createDataApiRestClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'x', timeoutMs: 2000 });
    await assert.rejects(nowhere.me(), (error: unknown) => {
      assert.ok(error instanceof DataApiProblemError);
      assert.equal(error.status, 0);
      assert.ok(['UNAVAILABLE', 'TIMEOUT'].includes(error.code));
      return true;
    });
  });
});
