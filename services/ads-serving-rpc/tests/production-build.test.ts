// The production build (`npm start` and the deployments run dist/main.mjs, not tsx): it bundles,
// starts against the real Redis, serves embed.js and the demo creatives from the copied assets, answers a CORS
// preflight with the preflight headers, and decides from an index published in Redis.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { postJsonRpc, waitFor } from '@ads/test-kit';
import { RedisKeys, ServingIndexStore, type DecisionResponse } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { fixtureCampaign, fixtureIndex, publishFixtureIndex } from './support/serving-index-fixture';

const packageDir = new URL('..', import.meta.url).pathname;
const prefix = `test:${randomUUID()}:`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });

after(async () => {
  const leftovers = await redis.keys(`${prefix}*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
});

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  probe.close();
  return port;
}

test('dist/main.mjs starts, serves embed.js, the demo creatives and preflights, and decides from the published index', async () => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: packageDir, stdio: 'inherit' });
  const index = fixtureIndex({ version: 'build-1', campaigns: [fixtureCampaign({ id: 'built', bidType: 'CPM', bidAmount: 100 })] });
  const store = new ServingIndexStore(redis, new RedisKeys(prefix));
  await publishFixtureIndex(store, index);

  const port = await freePort();
  const child = spawn(process.execPath, ['--max-semi-space-size=8', '--enable-source-maps', 'dist/main.mjs'], {
    cwd: packageDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'warn', NODE_ENV: 'test' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 'the built server to become ready with the published index', {
      timeoutMs: 30_000,
    });

    const embed = await fetch(`${base}/embed.js`);
    assert.equal(embed.status, 200);
    assert.match(await embed.text(), /data-ads-placement/);

    // The demo seed's images, copied with the assets; only the shipped files.
    const creative = await fetch(`${base}/demo/creatives/acme-outdoor-300x250.svg`);
    assert.equal(creative.status, 200);
    assert.equal(creative.headers.get('content-type'), 'image/svg+xml');
    assert.match(creative.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(await creative.text(), /^<svg [^>]*width="300" height="250"/);
    for (const missing of ['nothing.svg', '..%2fembed.js', '../assets/embed.js', '']) {
      assert.equal((await fetch(`${base}/demo/creatives/${missing}`)).status, 404, missing);
    }

    const preflight = await fetch(`${base}/rpc`, { method: 'OPTIONS' });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/);

    const placementKey = index.placements[0]!.key;
    const decided = await postJsonRpc(`${base}/rpc`, 'serving.decide', { placements: [{ divName: 'slot', placementKey }] });
    assert.equal(decided.status, 200);
    assert.equal(decided.headers.get('access-control-allow-origin'), '*');
    assert.equal(decided.headers.get('access-control-allow-methods'), null, 'preflight headers stay off answers');
    const { result } = (await decided.json()) as { result: DecisionResponse };
    assert.deepEqual(
      result.decisions.slot!.map((ad) => ad.campaignId),
      ['built'],
    );
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
