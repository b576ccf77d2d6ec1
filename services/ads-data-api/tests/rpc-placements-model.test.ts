// The placements model: the framework's expose-a-model helper mounted on the data API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { rejectsWith, startRpcTestServer, type RpcTestServer } from './support/rpc-test-server';

let stack: RpcTestServer;
let siteId: string;

before(async () => {
  stack = await startRpcTestServer();
  siteId = (await stack.database.prisma.site.create({ data: { name: 'Daily Planet', domain: 'dailyplanet.test', category: 'news' } })).id;
});
after(async () => {
  await stack?.close();
});

describe('RPC placements model', () => {
  it('creates, gets, updates and lists placements in pages larger than REST allows', async () => {
    const client = stack.client(stack.adminKey.secret);
    const created = await client.placements.create({ siteId, key: 'dp-top', name: 'Top', allowedFormats: ['native', 'banner'] });
    assert.equal(created.key, 'dp-top');
    assert.equal((await client.placements.get({ id: created.id })).name, 'Top');
    const renamed = await client.placements.update({ id: created.id, patch: { name: 'Top banner' } });
    assert.equal(renamed.name, 'Top banner');
    const audit = await stack.database.prisma.auditLog.findMany({ where: { entityId: created.id }, orderBy: { at: 'asc' } });
    assert.deepEqual(
      audit.map((entry) => entry.action),
      ['placement.create', 'placement.update'],
    );

    await stack.database.prisma.placement.createMany({
      data: Array.from({ length: 260 }, (_, index) => ({
        siteId,
        key: `bulk-${String(index).padStart(3, '0')}`,
        name: `Bulk ${index}`,
        allowedFormats: ['native' as const],
      })),
    });
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.placements.list({ limit: 5_000, ...(cursor === undefined ? {} : { cursor }) });
      assert.ok(page.items.length <= 2_000, 'the limit is capped at 2,000');
      for (const item of page.items) seen.add(item.id);
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    assert.equal(seen.size, 261);
    assert.equal(pages, 1, 'one page where REST needs two');
    const filtered = await client.placements.list({ filters: { q: 'dp-' } });
    assert.deepEqual(
      filtered.items.map((item) => item.key),
      ['dp-top'],
    );
  });

  it('refuses bad input, unknown ids and duplicates with their codes, writing nothing', async () => {
    const client = stack.client(stack.adminKey.secret);
    const before = await stack.database.prisma.placement.count();
    const invalid = await rejectsWith(client.placements.create({ siteId, key: 'Bad Key!', name: 'x' }), 'INVALID_PARAMS');
    assert.match(invalid.message, /key/);
    await rejectsWith(client.placements.get({ id: '01890000-0000-7000-8000-000000000000' }), 'NOT_FOUND');
    await rejectsWith(client.placements.update({ id: '01890000-0000-7000-8000-000000000000', patch: { name: 'y' } }), 'NOT_FOUND');
    await client.placements.create({ siteId, key: 'dup-key', name: 'First' });
    await rejectsWith(client.placements.create({ siteId, key: 'dup-key', name: 'Second' }), 'CONFLICT');
    assert.equal(await stack.database.prisma.placement.count(), before + 1);
  });
});
