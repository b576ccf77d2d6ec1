import { DEFAULT_DEMO_CREATIVES_BASE_URL } from '../config';
import { issueApiKeySecret, type IssuedApiKey } from '../domain/api-key-secret';
import { DataApiError } from '../errors';
import type { AdFormat, AdStatus, BidType, CampaignPriority, CampaignStatus, Pacing, ReviewState } from '../generated/prisma/enums';
import type { Prisma, PrismaClient } from '../generated/prisma/client';

/** What `seedDemoData` created, with the API key secrets that exist nowhere else. */
export interface DemoSeedSummary {
  counts: {
    advertisers: number;
    campaigns: number;
    ads: number;
    sites: number;
    placements: number;
    featureSwitches: number;
    apiKeys: number;
  };
  apiKeys: Array<IssuedApiKey & { id: string; name: string; role: 'admin' | 'service' | 'importer' }>;
}

const dayMs = 86_400_000;

// Tables in dependency-free order for TRUNCATE (it handles the foreign keys itself).
const applicationTables = [
  'opportunity_hour',
  'opportunity_day',
  'placement_hourly_stat',
  'hourly_stat',
  'stats_batch',
  'ad',
  'campaign',
  'api_key',
  'advertiser',
  'placement',
  'site',
  'import_run',
  'audit_log',
  'feature_switch',
] as const;

/** Deterministic pseudo-random numbers, so that every seeded database looks the same. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    between: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    subset: <T>(items: readonly T[], min: number, max: number): T[] => {
      const count = min + Math.floor(next() * (max - min + 1));
      return [...items]
        .map((item) => ({ item, order: next() }))
        .sort((a, b) => a.order - b.order)
        .slice(0, count)
        .map(({ item }) => item);
    },
    chance: (probability: number) => next() < probability,
  };
}

const sites = [
  {
    name: 'The Daily Planet',
    domain: 'dailyplanet.example',
    category: 'news',
    placements: [
      { key: 'dailyplanet-home-leaderboard', name: 'Home page leaderboard', formats: ['banner'] },
      { key: 'dailyplanet-article-inline', name: 'Article inline', formats: ['native'] },
      { key: 'dailyplanet-article-sidebar', name: 'Article sidebar', formats: ['banner', 'native'] },
    ],
  },
  {
    name: 'Gadget Weekly',
    domain: 'gadgetweekly.example',
    category: 'technology',
    placements: [
      { key: 'gadgetweekly-home-feed', name: 'Home feed', formats: ['native'] },
      { key: 'gadgetweekly-review-sidebar', name: 'Review sidebar', formats: ['banner'] },
      { key: 'gadgetweekly-mobile-footer', name: 'Mobile sticky footer', formats: ['banner'] },
    ],
  },
  {
    name: 'Trailhead Journal',
    domain: 'trailhead.example',
    category: 'outdoors',
    placements: [
      { key: 'trailhead-home-hero', name: 'Home hero', formats: ['native', 'banner'] },
      { key: 'trailhead-guide-inline', name: 'Trail guide inline', formats: ['native'] },
    ],
  },
] as const satisfies ReadonlyArray<{
  name: string;
  domain: string;
  category: string;
  placements: ReadonlyArray<{ key: string; name: string; formats: readonly AdFormat[] }>;
}>;

const advertisers = [
  {
    name: 'Acme Outdoor Gear',
    slug: 'acme-outdoor',
    exclusionLabel: 'outdoor-retail',
    categories: ['outdoors', 'sports'],
    keywords: ['hiking', 'camping', 'tents', 'trail running', 'backpacks', 'climbing'],
    products: ['Summit 45L Backpack', 'Ridgeline Tent', 'Trail Runner GTX', 'Alpine Down Jacket', 'Headlamp Pro'],
  },
  {
    name: 'Northwind Travel',
    slug: 'northwind-travel',
    exclusionLabel: 'travel',
    categories: ['travel', 'news'],
    keywords: ['flights', 'hotels', 'city breaks', 'vacation', 'last minute'],
    products: ['Lisbon City Break', 'Kyoto in Autumn', 'Iceland Road Trip', 'Paris Weekend', 'Alps Ski Week'],
  },
  {
    name: 'Contoso Airways',
    slug: 'contoso-airways',
    exclusionLabel: 'travel',
    categories: ['travel'],
    keywords: ['flights', 'airline', 'business class', 'miles', 'cheap flights'],
    products: ['Transatlantic Sale', 'Business Class Upgrade', 'Miles Double Week', 'Weekend Fares', 'Family Fares'],
  },
  {
    name: 'Globex Cloud',
    slug: 'globex-cloud',
    exclusionLabel: 'cloud-software',
    categories: ['technology'],
    keywords: ['cloud', 'kubernetes', 'devops', 'database', 'serverless', 'observability'],
    products: ['Managed Postgres', 'Serverless Functions', 'Edge CDN', 'Observability Suite', 'Kubernetes Engine'],
  },
  {
    name: 'Initech Bank',
    slug: 'initech-bank',
    exclusionLabel: 'banking',
    categories: ['finance', 'news'],
    keywords: ['savings', 'mortgage', 'credit card', 'investing', 'retirement'],
    products: ['High-Yield Savings', 'Cashback Card', 'First-Home Mortgage', 'Robo Investing', 'Business Account'],
  },
] as const;

const countries = ['US', 'CA', 'GB', 'FR', 'DE', 'JP', 'AU'] as const;
const devices = ['desktop', 'mobile', 'tablet'] as const;
const timeZones = ['UTC', 'America/New_York', 'Europe/Paris', 'Europe/London', 'Asia/Tokyo'] as const;
const bannerSizes = [
  [300, 250],
  [728, 90],
  [320, 50],
  [300, 600],
] as const;
const campaignThemes = ['Product Launch', 'Brand Awareness', 'Always On', 'Retargeting', 'Holiday Push', 'Loyalty'];
/**
 * Each advertiser's "Always On" campaign runs on the whole network: no audience, site, category
 * or hour targeting, so that every demo placement has ads for every visitor, on a phone too.
 */
const runOfNetworkTheme = 'Always On';
const runOfNetworkTargeting = {
  countries: [],
  devices: [],
  keywords: [],
  siteIds: [],
  categories: [],
  dayPartingHours: [],
  dayPartingWeekdays: [],
} as const satisfies Partial<Prisma.CampaignCreateManyInput>;

/**
 * The shipped demo creative of an advertiser at a size (ads-serving-rpc serves
 * `src/http/assets/demo-creatives/<advertiser>-<width>x<height>.svg` under /demo/creatives/).
 */
export function demoCreativeUrl(creativesBaseUrl: string, advertiserSlug: string, width: number, height: number): string {
  return `${creativesBaseUrl.replace(/\/+$/, '')}/${advertiserSlug}-${width}x${height}.svg`;
}

/** The rows a demo seed would collide with, by kind; empty when there are none. */
async function describeExistingRows(prisma: PrismaClient): Promise<string[]> {
  const [advertiserCount, siteCount, apiKeyCount, featureSwitchCount] = await Promise.all([
    prisma.advertiser.count(),
    prisma.site.count(),
    prisma.apiKey.count(),
    prisma.featureSwitch.count(),
  ]);
  return [
    [advertiserCount, 'advertisers'],
    [siteCount, 'sites'],
    [apiKeyCount, 'API keys'],
    [featureSwitchCount, 'feature switches'],
  ]
    .filter(([count]) => Number(count) > 0)
    .map(([count, kind]) => `${count} ${kind}`);
}

/**
 * Fills an empty database with a realistic demo inventory: 5 advertisers (two of them
 * competitors sharing an exclusion label), 30 campaigns with varied status, pacing,
 * priority, targeting and flights around `now`, 300 ads, 3 sites with 8 placements, feature
 * switches, and an admin, a service and an importer API key. Each advertiser's "Always On"
 * campaign targets no one in particular, so that the demo page shows ads on any device. The
 * ads' images are the demo creatives under `creativesBaseUrl` (ads-serving-rpc's
 * /demo/creatives). Refuses a database that already holds data unless `force` is set, in which
 * case every application table is emptied first.
 */
export async function seedDemoData(
  prisma: PrismaClient,
  options: { force?: boolean; now?: Date; creativesBaseUrl?: string } = {},
): Promise<DemoSeedSummary> {
  const existing = await describeExistingRows(prisma);
  if (existing.length > 0 && !options.force) {
    throw new DataApiError(
      'SEED_REFUSED',
      `the database already holds ${existing.join(', ')}; ` + 'rerun with --force to delete ALL application data and seed again',
    );
  }
  const now = options.now ?? new Date();
  const today = Math.floor(now.getTime() / dayMs) * dayMs;
  const random = seededRandom(20_240_601);
  const creativesBaseUrl = options.creativesBaseUrl ?? DEFAULT_DEMO_CREATIVES_BASE_URL;

  return prisma.$transaction(
    async (tx) => {
      if (existing.length > 0) {
        await tx.$executeRawUnsafe(`TRUNCATE ${applicationTables.map((t) => `"${t}"`).join(', ')}`);
      }

      const siteRows = [];
      const placementRows = [];
      for (const site of sites) {
        const siteRow = await tx.site.create({
          data: { name: site.name, domain: site.domain, category: site.category },
        });
        siteRows.push(siteRow);
        for (const placement of site.placements) {
          placementRows.push(
            await tx.placement.create({
              data: {
                siteId: siteRow.id,
                key: placement.key,
                name: placement.name,
                allowedFormats: [...placement.formats],
                category: site.category,
              },
            }),
          );
        }
      }

      let campaignCount = 0;
      let adCount = 0;
      const advertiserRows = [];
      for (const [advertiserIndex, advertiser] of advertisers.entries()) {
        const advertiserRow = await tx.advertiser.create({
          data: { name: advertiser.name, externalId: `feed-${advertiser.slug}` },
        });
        advertiserRows.push(advertiserRow);

        const campaigns: Prisma.CampaignCreateManyInput[] = [];
        for (let index = 0; index < 6; index += 1) {
          const status: CampaignStatus = index < 4 ? 'active' : index === 4 ? 'paused' : advertiserIndex % 2 === 0 ? 'draft' : 'archived';
          const isHouse = index === 3 && (advertiserIndex === 0 || advertiserIndex === 3);
          const priority: CampaignPriority = index === 0 ? 'sponsorship' : isHouse ? 'house' : 'standard';
          const pacing: Pacing = random.chance(0.35) ? 'asap' : 'even';
          const bidType: BidType = random.chance(0.3) ? 'CPC' : 'CPM';
          // Archived campaigns ran in the past; every other flight covers today.
          const flightStart = status === 'archived' ? today - random.between(60, 90) * dayMs : today - random.between(2, 21) * dayMs;
          const flightEnd = status === 'archived' ? today - random.between(5, 20) * dayMs : today + random.between(7, 60) * dayMs;
          const flightDays = Math.round((flightEnd - flightStart) / dayMs);
          const totalBudget = random.between(500, 20_000) * 100;
          const cap = random.pick([null, null, [3, 86_400], [10, 3_600], [1, 3_600]] as const);
          const dayParted = random.chance(0.25);
          // Drawn in the order the seed always drew them, so that every demo database stays the same.
          const timeZone = random.pick(timeZones);
          const dailyBudget = pacing === 'asap' && random.chance(0.5) ? null : Math.ceil(totalBudget / flightDays);
          const bidAmount = bidType === 'CPM' ? random.between(150, 1_200) : random.between(20, 250);
          const targeting = {
            countries: random.chance(0.2) ? [] : random.subset(countries, 1, 4),
            devices: random.chance(0.5) ? [] : random.subset(devices, 1, 2),
            keywords: random.subset(advertiser.keywords, 0, 3),
            siteIds: random.chance(0.3) ? random.subset(siteRows, 1, 2).map((site) => site.id) : [],
            categories: random.chance(0.5) ? random.subset(advertiser.categories, 1, 2) : [],
            dayPartingHours: dayParted ? Array.from({ length: 15 }, (_, hour) => hour + 7) : [],
            dayPartingWeekdays: dayParted && random.chance(0.5) ? [1, 2, 3, 4, 5] : [],
          };
          campaigns.push({
            advertiserId: advertiserRow.id,
            externalId: `${advertiser.slug}-cmp-${String(index + 1).padStart(3, '0')}`,
            name: `${advertiser.name} — ${campaignThemes[index]}`,
            status,
            flightStart: new Date(flightStart),
            flightEnd: new Date(flightEnd),
            timeZone,
            totalBudget,
            dailyBudget,
            pacing,
            priority,
            bidType,
            bidAmount,
            frequencyCapCount: cap?.[0] ?? null,
            frequencyCapWindowSeconds: cap?.[1] ?? null,
            // Drawn for the run-of-network campaigns too, so that the others' draws stay as they were.
            ...(campaignThemes[index] === runOfNetworkTheme ? runOfNetworkTargeting : targeting),
            exclusionLabel: isHouse ? null : advertiser.exclusionLabel,
          });
        }
        const campaignRows = await tx.campaign.createManyAndReturn({ data: campaigns });
        campaignCount += campaignRows.length;

        const ads: Prisma.AdCreateManyInput[] = [];
        for (const campaign of campaignRows) {
          for (let index = 0; index < 10; index += 1) {
            const format: AdFormat = index % 2 === 0 ? 'native' : 'banner';
            const [width, height] = format === 'banner' ? random.pick(bannerSizes) : [null, null];
            const product = random.pick(advertiser.products);
            const status: AdStatus = campaign.status === 'archived' ? 'archived' : random.chance(0.1) ? 'paused' : 'active';
            const reviewState: ReviewState = random.chance(0.85) ? 'approved' : random.pick(['pending', 'rejected'] as const);
            const externalId = `${campaign.externalId}-ad-${String(index + 1).padStart(2, '0')}`;
            ads.push({
              campaignId: campaign.id,
              externalId,
              format,
              title: `${product}${index >= 5 ? ' — limited offer' : ''}`,
              body: `${advertiser.name}: ${product}. ${random.pick([
                'Free shipping this week.',
                'Book today, pay later.',
                'Trusted by thousands of customers.',
                'Try it free for 30 days.',
                'Exclusive online price.',
              ])}`,
              imageUrl: demoCreativeUrl(creativesBaseUrl, advertiser.slug, width ?? 1200, height ?? 628),
              clickUrl: `https://www.${advertiser.slug}.example/landing/${externalId}?utm_source=ads&utm_campaign=${campaign.externalId}`,
              width,
              height,
              status,
              reviewState,
            });
          }
        }
        adCount += (await tx.ad.createMany({ data: ads })).count;
      }

      const featureSwitches = await tx.featureSwitch.createManyAndReturn({
        data: [
          {
            name: 'serving.competitive_exclusion',
            enabled: true,
            description: 'Never show two ads whose campaigns share an exclusion label on one page.',
          },
          {
            name: 'serving.frequency_caps',
            enabled: true,
            description: 'Enforce per-user frequency caps from the real-time counters.',
          },
          {
            name: 'serving.enabled',
            enabled: true,
            description: 'Kill switch: off, serving answers no ads at all (or none on a placement, or of an advertiser, when scoped).',
          },
          {
            name: 'serving.house_ads',
            enabled: false,
            scope: 'placement',
            scopeId: placementRows.find((placement) => placement.key === 'dailyplanet-home-leaderboard')!.id,
            description: 'No house ads on the Daily Planet leaderboard (sold out to sponsors).',
          },
        ],
      });

      const apiKeys: DemoSeedSummary['apiKeys'] = [];
      for (const { name, role } of [
        { name: 'Demo admin', role: 'admin' },
        { name: 'Platform services', role: 'service' },
        { name: 'Feed imports', role: 'importer' },
      ] as const) {
        const issued = issueApiKeySecret();
        const row = await tx.apiKey.create({ data: { name, role, prefix: issued.prefix, hash: issued.hash } });
        apiKeys.push({ ...issued, id: row.id, name, role });
      }

      return {
        counts: {
          advertisers: advertiserRows.length,
          campaigns: campaignCount,
          ads: adCount,
          sites: siteRows.length,
          placements: placementRows.length,
          featureSwitches: featureSwitches.length,
          apiKeys: apiKeys.length,
        },
        apiKeys,
      };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}
