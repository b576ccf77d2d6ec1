// RPC forecasts.run: the same forecast as POST /api/v1/forecasts, for the platform's processes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { rejectsWith, startRpcTestServer, type RpcTestServer } from './support/rpc-test-server';
import { DAY_MS, HOUR_MS, syntheticHistory, syntheticRequests, writeOpportunityHistory } from './support/opportunity-history';

let stack: RpcTestServer;
const asOfMs = Date.parse('2026-11-30T00:00:00.000Z');
const base = 80;

before(async () => {
  stack = await startRpcTestServer();
  const prisma = stack.database.prisma;
  const site = await prisma.site.create({ data: { name: 'Planet', domain: 'planet.forecast.test', category: 'news' } });
  const placement = await prisma.placement.create({
    data: { siteId: site.id, key: 'planet-top', name: 'Top', allowedFormats: ['native'] },
  });
  await writeOpportunityHistory(prisma, syntheticHistory([{ id: placement.id, key: placement.key, base }], asOfMs - 28 * DAY_MS, 28));
});
after(async () => {
  await stack?.close();
});

const campaign = (targeting: Record<string, unknown> = {}) => ({
  flightStart: new Date(asOfMs).toISOString(),
  flightEnd: new Date(asOfMs + 2 * DAY_MS).toISOString(),
  totalBudget: 0,
  bidAmount: 100,
  targeting,
});

describe('RPC forecasts.run', () => {
  it('forecasts a proposed campaign by day for admin and service keys', async () => {
    for (const client of [stack.client(stack.adminKey.secret), stack.client()]) {
      const answer = await client.forecasts.run({ campaign: campaign({ countries: ['FR'] }), asOf: new Date(asOfMs).toISOString() });
      assert.equal(answer.days.length, 2);
      answer.days.forEach((day, index) => {
        let requests = 0;
        for (let hour = 0; hour < 24; hour += 1) requests += syntheticRequests(base, asOfMs + index * DAY_MS + hour * HOUR_MS);
        assert.equal(day.opportunities, Math.round(requests * 0.3));
      });
      assert.equal(answer.history.hoursWithData, 28 * 24);
    }
  });

  it('refuses bad input as INVALID_PARAMS naming the field, and importer keys as FORBIDDEN', async () => {
    const refused = await rejectsWith(
      stack.client(stack.adminKey.secret).forecasts.run({ campaign: campaign({ properties: 'section = ' }) }),
      'INVALID_PARAMS',
    );
    const issues = (refused.data as { issues: Array<{ path: unknown[]; message: string }> }).issues;
    assert.deepEqual(issues[0]!.path, ['campaign', 'targeting', 'properties']);
    assert.match(issues[0]!.message, /^line 1, column/);
    await rejectsWith(stack.client(stack.importerKey.secret).forecasts.run({ campaign: campaign() }), 'FORBIDDEN');
  });
});
