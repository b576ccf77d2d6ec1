// `npm run bench:snapshot -w @ads/ads-data-api`: reads an inventory of 100,000 servable ads
// through `inventory.snapshot` over HTTP (ads-data-api in its own process, the typed client
// here, following every cursor) and compares with one raw SELECT of the same rows in the same
// run. The database is dedicated, filled with bulk SQL, and dropped at the end.
import { createRpcClient, dataApiContract, readInventorySnapshot } from '@ads/ads-client';

import { decodeSnapshotCursor } from '../src/domain/snapshot-cursor';
import { createPrismaClient } from '../src/store/prisma-client';
import { issueApiKey } from '../src/store/issue-api-key';
import { readInventorySnapshotPage } from '../src/store/inventory-snapshot-store';
import { benchLogger, createBenchDatabase, formatRate, median, startBenchServer, timeRuns } from './support/bench-stack';

const ADVERTISERS = 50;
const CAMPAIGNS_PER_ADVERTISER = 40;
const ADS_PER_CAMPAIGN = 50;
const TOTAL_ADS = ADVERTISERS * CAMPAIGNS_PER_ADVERTISER * ADS_PER_CAMPAIGN;
const RUNS = 3;

const database = await createBenchDatabase('snapshot');
try {
  console.log(`database ${database.name}: generating ${TOTAL_ADS.toLocaleString('en-US')} servable ads…`);
  const { sql } = database;
  await sql.query(`
    INSERT INTO advertiser (id, name, external_id, updated_at)
    SELECT gen_random_uuid(), 'Bench advertiser ' || i, 'bench-adv-' || i, now() FROM generate_series(1, ${ADVERTISERS}) AS i`);
  await sql.query(`
    INSERT INTO campaign (id, advertiser_id, name, status, flight_start, flight_end, time_zone, total_budget, daily_budget,
                          pacing, priority, bid_type, bid_amount, frequency_cap_count, frequency_cap_window_seconds,
                          countries, devices, keywords, site_ids, categories, day_parting_hours, day_parting_weekdays,
                          exclusion_label, updated_at)
    SELECT gen_random_uuid(), a.id, a.name || ' campaign ' || n, 'active', now() - interval '1 day', now() + interval '30 days',
           'Europe/Paris', 1000000, 50000, 'even', 'standard', 'CPM', 250 + n, 3, 86400,
           ARRAY['US', 'CA', 'GB'], ARRAY['mobile', 'desktop'], ARRAY['tents', 'hiking', 'camping'], '{}', ARRAY['outdoors'],
           ARRAY[8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], ARRAY[1, 2, 3, 4, 5], 'label-' || (n % 7), now()
      FROM advertiser a, generate_series(1, ${CAMPAIGNS_PER_ADVERTISER}) AS n`);
  await sql.query(`
    INSERT INTO ad (id, campaign_id, format, title, body, image_url, click_url, width, height, status, review_state, updated_at)
    SELECT gen_random_uuid(), c.id, 'banner', 'Bench ad ' || n, 'Spring sale: everything for the trail, delivered in two days.',
           'https://cdn.shop.example/creatives/' || c.id || '-' || n || '-300x250.png',
           'https://www.shop.example/landing/' || n || '?utm_source=ads&utm_campaign=' || c.id, 300, 250, 'active', 'approved', now()
      FROM campaign c, generate_series(1, ${ADS_PER_CAMPAIGN}) AS n`);
  // Two hours of stats per ad, so that lifetime spend is a real aggregate.
  await sql.query(`
    INSERT INTO hourly_stat (ad_id, campaign_id, hour, impressions, viewable_impressions, clicks, spend_micros, updated_at)
    SELECT ad.id, ad.campaign_id, date_trunc('hour', now()) - h * interval '1 hour', 1000, 600, 12, 2500000, now()
      FROM ad, generate_series(1, 2) AS h`);
  await sql.query('ANALYZE');

  const prisma = createPrismaClient(database.url, benchLogger);
  const key = await issueApiKey(prisma, { role: 'service', name: 'bench' });

  // Baselines, through pg in one SELECT each: the servable ads alone (the floor: no campaign
  // columns at all), and the ads joined with every campaign column (what one flat query returns).
  const adsOnlySql = `
    SELECT ad.campaign_id, ad.id, ad.format, ad.title, ad.body, ad.image_url, ad.click_url, ad.width, ad.height, ad.status
      FROM ad JOIN campaign c ON c.id = ad.campaign_id JOIN advertiser a ON a.id = c.advertiser_id
     WHERE c.status = 'active' AND a.status = 'active' AND c.flight_end > now()
       AND ad.status = 'active' AND ad.review_state = 'approved'`;
  let adsOnlyRows = 0;
  const adsOnly = await timeRuns(RUNS, async () => {
    adsOnlyRows = (await sql.query(adsOnlySql)).rowCount ?? 0;
  });
  const baselineSql = `
    SELECT c.id, c.advertiser_id, c.name, c.flight_start, c.flight_end, c.time_zone, c.total_budget, c.daily_budget, c.pacing,
           c.priority, c.bid_type, c.bid_amount, c.frequency_cap_count, c.frequency_cap_window_seconds, c.countries, c.devices,
           c.keywords, c.site_ids, c.categories, c.day_parting_hours, c.day_parting_weekdays, c.exclusion_label,
           ad.id AS ad_id, ad.format, ad.title, ad.body, ad.image_url, ad.click_url, ad.width, ad.height, ad.status
      FROM campaign c JOIN advertiser a ON a.id = c.advertiser_id JOIN ad ON ad.campaign_id = c.id
     WHERE c.status = 'active' AND a.status = 'active' AND c.flight_end > now()
       AND ad.status = 'active' AND ad.review_state = 'approved'`;
  let baselineRows = 0;
  const baseline = await timeRuns(RUNS, async () => {
    baselineRows = (await sql.query(baselineSql)).rowCount ?? 0;
  });

  // The store alone (database and row mapping, no HTTP, no validation), for the split.
  let storeAds = 0;
  const store = await timeRuns(RUNS, async () => {
    storeAds = 0;
    let cursor;
    do {
      const page = await readInventorySnapshotPage(prisma, { cursor, limit: 500 });
      storeAds += page.campaigns.reduce((sum, campaign) => sum + campaign.ads.length, 0);
      cursor = page.nextCursor === null ? undefined : decodeSnapshotCursor(page.nextCursor);
    } while (cursor !== undefined);
  });
  await prisma.$disconnect();

  const server = await startBenchServer(database.url);
  const results: Array<{ label: string; ms: number[]; ads: number }> = [];
  try {
    for (const pageSize of [500, 2000]) {
      const client = createRpcClient(dataApiContract, { urls: [server.rpcUrl], token: key.secret, timeoutMs: 120_000 });
      let ads = 0;
      await readInventorySnapshot(client, { pageSize }); // warm-up: JIT, connections, caches
      const ms = await timeRuns(RUNS, async () => {
        const snapshot = await readInventorySnapshot(client, { pageSize });
        ads = snapshot.campaigns.reduce((sum, campaign) => sum + campaign.ads.length, 0);
      });
      await client.$close();
      results.push({ label: `inventory.snapshot over HTTP, ${pageSize} campaigns/page`, ms, ads });
    }
  } finally {
    await server.stop();
  }

  if (
    adsOnlyRows !== TOTAL_ADS ||
    baselineRows !== TOTAL_ADS ||
    storeAds !== TOTAL_ADS ||
    results.some((result) => result.ads !== TOTAL_ADS)
  ) {
    throw new Error(`row counts differ: baseline ${baselineRows}, store ${storeAds}, rpc ${results.map((result) => result.ads).join('/')}`);
  }
  const baselineRate = TOTAL_ADS / (median(adsOnly) / 1000);
  const line = (label: string, ms: number[]) => {
    const rate = TOTAL_ADS / (median(ms) / 1000);
    console.log(
      `  ${label.padEnd(54)} ${median(ms).toFixed(0).padStart(6)} ms  ${formatRate(rate).padStart(16)}  ${(rate / baselineRate).toFixed(2)} × baseline`,
    );
  };
  console.log(
    `\n${TOTAL_ADS.toLocaleString('en-US')} ads in ${ADVERTISERS * CAMPAIGNS_PER_ADVERTISER} live campaigns, median of ${RUNS} runs:`,
  );
  line('baseline: one raw SELECT of the ads (pg)', adsOnly);
  line('one raw SELECT of the ads with campaign columns (pg)', baseline);
  line('store only (Prisma, 500 campaigns/page, no HTTP)', store);
  for (const result of results) line(result.label, result.ms);
} finally {
  await database.drop();
  console.log(`\ndropped ${database.name}`);
}
