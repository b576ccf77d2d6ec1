// `npm run db:seed` against a real, freshly migrated database.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { KILL_SWITCHES } from '@ads/ads-client';

import { runPackageScript, type ScriptResult } from './support/run-package-script';
import { createTestDatabase, type MigratedTestDatabase } from './support/test-database';

let database: MigratedTestDatabase;
let firstRun: ScriptResult;

before(async () => {
  database = await createTestDatabase();
  firstRun = await runPackageScript('db:seed', { databaseUrl: database.url });
});
after(async () => {
  await database?.drop();
});

function printedSecret(output: string, role: 'admin' | 'service' | 'importer'): string {
  const match = new RegExp(`^\\s*${role}\\s+(ads_[A-Za-z0-9_-]+)\\s`, 'm').exec(output);
  assert.ok(match, `no ${role} key in:\n${output}`);
  return match[1]!;
}

describe('npm run db:seed', () => {
  it('succeeds on an empty database and says what it created', () => {
    assert.equal(firstRun.exitCode, 0, firstRun.stderr);
    assert.match(firstRun.stdout, /5 advertisers, 30 campaigns, 300 ads, 3 sites, 8 placements/);
  });

  it('creates the demo inventory', async () => {
    const { prisma } = database;
    const counts = {
      advertisers: await prisma.advertiser.count(),
      campaigns: await prisma.campaign.count(),
      ads: await prisma.ad.count(),
      sites: await prisma.site.count(),
      placements: await prisma.placement.count(),
      featureSwitches: await prisma.featureSwitch.count(),
      apiKeys: await prisma.apiKey.count(),
    };
    assert.deepEqual(counts, {
      advertisers: 5,
      campaigns: 30,
      ads: 300,
      sites: 3,
      placements: 8,
      featureSwitches: 4,
      apiKeys: 3,
    });
  });

  it('seeds each switch serving reads, and only those', async () => {
    const names = new Set((await database.prisma.featureSwitch.findMany()).map((row) => row.name));
    assert.deepEqual([...names].sort(), Object.values(KILL_SWITCHES).sort());
  });

  it('varies campaigns and runs the live ones over today', async () => {
    const campaigns = await database.prisma.campaign.findMany();
    const now = Date.now();
    const distinct = (values: unknown[]) => new Set(values).size;
    assert.ok(distinct(campaigns.map((c) => c.status)) >= 3, 'several statuses');
    assert.equal(distinct(campaigns.map((c) => c.pacing)), 2, 'even and asap pacing');
    assert.equal(distinct(campaigns.map((c) => c.priority)), 3, 'all priority tiers');
    assert.equal(distinct(campaigns.map((c) => c.bidType)), 2, 'CPM and CPC');
    const live = campaigns.filter((c) => c.status === 'active');
    assert.ok(live.length >= 15, 'most campaigns are active');
    for (const c of live) {
      assert.ok(c.flightStart.getTime() <= now && now < c.flightEnd.getTime(), `${c.name} flight covers now`);
    }
    // Competitive exclusion needs two advertisers under one label.
    const advertisersByLabel = new Map<string, Set<string>>();
    for (const c of campaigns) {
      if (!c.exclusionLabel) continue;
      advertisersByLabel.set(c.exclusionLabel, (advertisersByLabel.get(c.exclusionLabel) ?? new Set()).add(c.advertiserId));
    }
    assert.ok([...advertisersByLabel.values()].some((advertisers) => advertisers.size >= 2));
    assert.ok(campaigns.some((c) => c.countries.length > 0) && campaigns.some((c) => c.countries.length === 0));
    assert.ok(campaigns.some((c) => c.frequencyCapCount !== null) && campaigns.some((c) => c.frequencyCapCount === null));
  });

  it('gives every placement live ads a phone in the US sees on a page without keywords', async () => {
    const { prisma } = database;
    const placements = await prisma.placement.findMany();
    const campaigns = await prisma.campaign.findMany({
      where: { status: 'active' },
      include: { ads: { where: { status: 'active', reviewState: 'approved' } } },
    });
    // The targeting serving applies (empty: anyone), for the demo page's request.
    const seenOnPhone = (campaign: (typeof campaigns)[number], placement: (typeof placements)[number]) =>
      (campaign.devices.length === 0 || campaign.devices.includes('mobile')) &&
      (campaign.countries.length === 0 || campaign.countries.includes('US')) &&
      campaign.keywords.length === 0 &&
      campaign.dayPartingHours.length === 0 &&
      campaign.dayPartingWeekdays.length === 0 &&
      (campaign.siteIds.length === 0 || campaign.siteIds.includes(placement.siteId)) &&
      (campaign.categories.length === 0 || (placement.category !== null && campaign.categories.includes(placement.category)));
    for (const placement of placements) {
      const advertisers = new Set(
        campaigns
          .filter((campaign) => seenOnPhone(campaign, placement))
          .filter((campaign) => campaign.ads.some((ad) => placement.allowedFormats.includes(ad.format) && ad.imageUrl !== null))
          .map((campaign) => campaign.advertiserId),
      );
      // Several advertisers: frequency caps and competitive exclusion leave some of them.
      assert.ok(advertisers.size >= 3, `${placement.key}: ads of ${advertisers.size} advertisers for a phone`);
    }
  });

  it('points every ad image at the demo creatives serving ships, by advertiser and size', async () => {
    const ads = await database.prisma.ad.findMany({ include: { campaign: { include: { advertiser: true } } } });
    for (const ad of ads) {
      const slug = ad.campaign.advertiser.externalId!.replace(/^feed-/, '');
      const size = ad.format === 'banner' ? `${ad.width}x${ad.height}` : '1200x628';
      assert.equal(ad.imageUrl, `http://127.0.0.1:4100/demo/creatives/${slug}-${size}.svg`, ad.externalId!);
    }
  });

  it('stores only the SHA-256 of the printed keys, with the right roles', async () => {
    for (const role of ['admin', 'service', 'importer'] as const) {
      const secret = printedSecret(firstRun.stdout, role);
      const hash = createHash('sha256').update(secret).digest('hex');
      const key = await database.prisma.apiKey.findUnique({ where: { hash } });
      assert.ok(key, `no ApiKey row for the printed ${role} key`);
      assert.equal(key.role, role);
      assert.equal(key.prefix, secret.slice(0, key.prefix.length));
      assert.equal(key.revokedAt, null);
    }
    const stored = await database.prisma.apiKey.findMany();
    for (const key of stored) {
      assert.ok(!firstRun.stdout.includes(key.hash), 'hashes are not printed');
    }
  });

  it('refuses to seed again without --force, and changes nothing', async () => {
    const before = await database.prisma.apiKey.findMany({ orderBy: { id: 'asc' } });
    const again = await runPackageScript('db:seed', { databaseUrl: database.url });
    assert.equal(again.exitCode, 5, again.stderr);
    assert.match(again.stderr, /already holds 5 advertisers.*--force/);
    assert.deepEqual(await database.prisma.apiKey.findMany({ orderBy: { id: 'asc' } }), before);
    assert.equal(await database.prisma.campaign.count(), 30);
  });

  it('reseeds from scratch with --force', async () => {
    const forced = await runPackageScript('db:seed', { databaseUrl: database.url, args: ['--force'] });
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.equal(await database.prisma.advertiser.count(), 5);
    assert.equal(await database.prisma.ad.count(), 300);
    const adminHash = createHash('sha256').update(printedSecret(forced.stdout, 'admin')).digest('hex');
    assert.ok(await database.prisma.apiKey.findUnique({ where: { hash: adminHash } }));
    assert.equal(await database.prisma.apiKey.count(), 3, 'old keys are gone');
  });

  it('takes the creatives base URL from DEMO_CREATIVES_BASE_URL, and names it in --help', async () => {
    const help = await runPackageScript('db:seed', { databaseUrl: database.url, args: ['--help'] });
    assert.equal(help.exitCode, 0, help.stderr);
    assert.match(help.stdout, /DEMO_CREATIVES_BASE_URL/);
    const reseeded = await runPackageScript('db:seed', {
      databaseUrl: database.url,
      args: ['--force'],
      env: { DEMO_CREATIVES_BASE_URL: 'https://ads.example.com/demo/creatives/' },
    });
    assert.equal(reseeded.exitCode, 0, reseeded.stderr);
    const images = await database.prisma.ad.findMany({ select: { imageUrl: true } });
    assert.equal(images.length, 300);
    for (const { imageUrl } of images) assert.match(imageUrl!, /^https:\/\/ads\.example\.com\/demo\/creatives\/[a-z-]+-\d+x\d+\.svg$/);
    const refused = await runPackageScript('db:seed', {
      databaseUrl: database.url,
      args: ['--force'],
      env: { DEMO_CREATIVES_BASE_URL: 'ftp://ads.example.com' },
    });
    assert.equal(refused.exitCode, 3, refused.stderr);
    assert.match(refused.stderr, /DEMO_CREATIVES_BASE_URL/);
  });
});
