// cache-warming benchmark: build and publish an index version of 100,000 ads (20,000
// campaigns in snapshot pages of 2,000) from synthetic pages, including the live-spend reads
// and the Redis writes, without the data API (whose snapshot speed is its own). Budget
// (DESIGN.md): 100,000 ads into a new index version in <= 10 s, data API included.
import { randomUUID } from 'node:crypto';
import { RedisKeys, ServingIndexStore } from '@ads/ads-client';
import { fixtureSnapshotCampaign, syntheticSnapshotAd } from '@ads/bench-kit';
import { Redis } from 'ioredis';
import { newIndexVersionId } from '../src/domain/index-version';
import { ServingIndexBuilder } from '../src/domain/serving-index-builder';
import { readLiveSpend } from '../src/store/live-spend-reader';

const ADS = Number(process.env.BENCH_ADS ?? 100_000);
const PAGE = 2_000;

function page(from: number, count: number, first: boolean) {
  const campaigns = Array.from({ length: count }, (_, at) => {
    const id = `c${from + at}`;
    return fixtureSnapshotCampaign({
      id,
      advertiserId: `adv${(from + at) % 500}`,
      pacing: 'even',
      bidAmount: 500,
      targeting: { siteIds: (from + at) % 4 === 0 ? ['site1'] : [], keywords: (from + at) % 5 === 0 ? ['kw1', 'kw2'] : [] },
      ads: Array.from({ length: 5 }, (_, adAt) => syntheticSnapshotAd(id, adAt)),
    });
  });
  const placements = Array.from({ length: 10 }, (_, at) => ({
    id: `p${at}`,
    key: `site${at % 3}-slot${at}`,
    siteId: `site${at % 3}`,
    siteDomain: `site${at % 3}.example`,
    allowedFormats: at % 2 === 0 ? (['native', 'banner'] as ('native' | 'banner')[]) : (['native'] as ('native' | 'banner')[]),
    category: null,
  }));
  return { asOf: new Date().toISOString(), campaigns, nextCursor: null, ...(first ? { placements, featureSwitches: [] } : {}) };
}

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys = new RedisKeys(`bench:${randomUUID()}:`);
try {
  const campaigns = ADS / 5;
  const started = performance.now();
  const builder = new ServingIndexBuilder(Date.now());
  for (let from = 0; from < campaigns; from += PAGE) {
    const snapshot = page(from, Math.min(PAGE, campaigns - from), from === 0);
    const spend = await readLiveSpend(
      redis,
      keys,
      snapshot.campaigns.map((campaign) => campaign.id),
    );
    builder.addPage(snapshot, (id) => spend.get(id) ?? 0);
  }
  const built = performance.now();
  const version = newIndexVersionId();
  const parts = builder.finish(version, new Date().toISOString());
  const store = new ServingIndexStore(redis, keys);
  const written = await store.write(parts);
  await store.publish(version);
  const done = performance.now();
  console.log(
    `cache-warming benchmark: ${ADS.toLocaleString('en-US')} ads, ${campaigns.toLocaleString('en-US')} campaigns, 10 placements, node ${process.version}`,
  );
  console.log(
    `| step | ms |\n|---|---:|\n| build from ${Math.ceil(campaigns / PAGE)} pages (incl. live-spend reads) | ${(built - started).toFixed(0)} |\n| encode, write ${(written.bytes / 1e6).toFixed(1)} MB and publish | ${(done - built).toFixed(0)} |\n| total | ${(done - started).toFixed(0)} |`,
  );
  console.log(
    `\nbudget: 100,000 ads into a new version <= 10 s (without the data API's snapshot time): ${((done - started) / 1000).toFixed(1)} s ${done - started <= 10_000 ? 'PASS' : 'MISS'}`,
  );
} finally {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
}
