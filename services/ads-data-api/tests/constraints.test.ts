// The database refuses bad rows on its own: CHECK constraints from the hand-written part of
// the migration, and the unique constraints of the schema.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Prisma } from '../src/generated/prisma/client';
import type { PrismaClient } from '../src/store/prisma-client';
import { createTestDatabase, type MigratedTestDatabase } from './support/test-database';

let database: MigratedTestDatabase;
let prisma: PrismaClient;
let advertiserId: string;

before(async () => {
  database = await createTestDatabase();
  prisma = database.prisma;
  advertiserId = (await prisma.advertiser.create({ data: { name: 'Acme Outdoor Gear' } })).id;
});
after(async () => {
  await database?.drop();
});

const day = 86_400_000;

function campaign(overrides: Partial<Prisma.CampaignUncheckedCreateInput> = {}): Prisma.CampaignUncheckedCreateInput {
  return {
    advertiserId,
    name: 'Always On',
    flightStart: new Date('2026-03-01T00:00:00Z'),
    flightEnd: new Date('2026-04-01T00:00:00Z'),
    totalBudget: 100_000,
    dailyBudget: 5_000,
    bidAmount: 250,
    ...overrides,
  };
}

/** The PostgreSQL error Prisma wraps: its SQLSTATE and the constraint it names. */
function postgresError(error: unknown): { sqlState?: string; message: string } {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; originalMessage?: string } } } }).meta
    ?.driverAdapterError?.cause;
  return { sqlState: cause?.originalCode, message: cause?.originalMessage ?? String(error) };
}

async function assertCheckViolation(write: Promise<unknown>, constraint: string): Promise<void> {
  await assert.rejects(write, (error: unknown) => {
    const { sqlState, message } = postgresError(error);
    assert.equal(sqlState, '23514', message);
    assert.match(message, new RegExp(`"${constraint}"`));
    return true;
  });
}

async function assertUniqueViolation(write: Promise<unknown>): Promise<void> {
  await assert.rejects(write, (error: unknown) => {
    assert.equal((error as { code?: string }).code, 'P2002', String(error));
    return true;
  });
}

describe('CHECK constraints', () => {
  it('accept a well-formed campaign', async () => {
    const created = await prisma.campaign.create({
      data: campaign({
        frequencyCapCount: 3,
        frequencyCapWindowSeconds: 86_400,
        dayPartingHours: [0, 12, 23],
        dayPartingWeekdays: [0, 6],
        countries: ['FR', 'DE'],
      }),
    });
    assert.equal(created.version, 1);
    assert.deepEqual(created.dayPartingHours, [0, 12, 23]);
  });

  it('refuse a flight that ends before it starts, or when it starts', async () => {
    const start = new Date('2026-03-10T00:00:00Z');
    await assertCheckViolation(
      prisma.campaign.create({ data: campaign({ flightStart: start, flightEnd: new Date(start.getTime() - day) }) }),
      'campaign_flight_check',
    );
    await assertCheckViolation(
      prisma.campaign.create({ data: campaign({ flightStart: start, flightEnd: start }) }),
      'campaign_flight_check',
    );
  });

  it('refuse negative budgets and non-positive bids', async () => {
    await assertCheckViolation(prisma.campaign.create({ data: campaign({ totalBudget: -1 }) }), 'campaign_total_budget_check');
    await assertCheckViolation(prisma.campaign.create({ data: campaign({ dailyBudget: -100 }) }), 'campaign_daily_budget_check');
    await assertCheckViolation(prisma.campaign.create({ data: campaign({ bidAmount: 0 }) }), 'campaign_bid_amount_check');
  });

  it('refuse half a frequency cap and day-parting outside the clock and the week', async () => {
    await assertCheckViolation(prisma.campaign.create({ data: campaign({ frequencyCapCount: 3 }) }), 'campaign_frequency_cap_check');
    await assertCheckViolation(
      prisma.campaign.create({ data: campaign({ dayPartingHours: [8, 24] }) }),
      'campaign_day_parting_hours_check',
    );
    await assertCheckViolation(
      prisma.campaign.create({ data: campaign({ dayPartingWeekdays: [7] }) }),
      'campaign_day_parting_weekdays_check',
    );
  });

  it('refuse a banner without a size', async () => {
    const { id: campaignId } = await prisma.campaign.create({ data: campaign({ name: 'Banners' }) });
    await assertCheckViolation(
      prisma.ad.create({
        data: { campaignId, format: 'banner', title: 'Tent sale', clickUrl: 'https://acme.example/tents' },
      }),
      'ad_banner_size_check',
    );
    await assertCheckViolation(
      prisma.ad.create({
        data: { campaignId, format: 'native', title: 'Tent sale', clickUrl: 'https://acme.example/t', width: 300 },
      }),
      'ad_size_check',
    );
  });

  it('refuse feature switch percentages outside 0..100 and scopes without an id', async () => {
    await assertCheckViolation(
      prisma.featureSwitch.create({ data: { name: 'serving.ramp', percentage: 101 } }),
      'feature_switch_percentage_check',
    );
    await assertCheckViolation(
      prisma.featureSwitch.create({ data: { name: 'serving.ramp', scope: 'placement' } }),
      'feature_switch_scope_check',
    );
  });

  it('refuse negative counters and stats hours that are not on the hour', async () => {
    const { id: campaignId } = await prisma.campaign.create({ data: campaign({ name: 'Stats' }) });
    const { id: adId } = await prisma.ad.create({
      data: { campaignId, format: 'native', title: 'Tents', clickUrl: 'https://acme.example/t' },
    });
    await assertCheckViolation(
      prisma.hourlyStat.create({ data: { adId, campaignId, hour: new Date('2026-03-02T10:00:00Z'), clicks: -1 } }),
      'hourly_stat_counts_check',
    );
    await assertCheckViolation(
      prisma.hourlyStat.create({ data: { adId, campaignId, hour: new Date('2026-03-02T10:30:00Z') } }),
      'hourly_stat_hour_check',
    );
    await assertCheckViolation(
      prisma.importRun.create({ data: { source: 'feed.csv', format: 'csv', failedCount: -2 } }),
      'import_run_counts_check',
    );
  });

  it('tie advertiser keys, and only them, to an advertiser', async () => {
    const hash = 'a'.repeat(64);
    await assertCheckViolation(
      prisma.apiKey.create({ data: { name: 'Acme', prefix: 'ads_aaaaaaaa', hash, role: 'advertiser' } }),
      'api_key_advertiser_check',
    );
    await assertCheckViolation(
      prisma.apiKey.create({ data: { name: 'Ops', prefix: 'ads_aaaaaaaa', hash, role: 'admin', advertiserId } }),
      'api_key_advertiser_check',
    );
    await assertCheckViolation(
      prisma.apiKey.create({ data: { name: 'Ops', prefix: 'ads_aaaaaaaa', hash: 'not-a-sha256', role: 'admin' } }),
      'api_key_hash_check',
    );
  });

  it('refuse NULL targeting lists written behind Prisma', async () => {
    const { id } = await prisma.campaign.create({ data: campaign({ name: 'Raw SQL' }) });
    await assert.rejects(
      prisma.$executeRawUnsafe(`UPDATE "campaign" SET "countries" = NULL WHERE "id" = $1::uuid`, id),
      (error: unknown) => {
        assert.equal(postgresError(error).sqlState, '23502');
        return true;
      },
    );
  });
});

describe('unique constraints', () => {
  it('keep advertiser names and external ids unique', async () => {
    await assertUniqueViolation(prisma.advertiser.create({ data: { name: 'Acme Outdoor Gear' } }));
    await prisma.advertiser.create({ data: { name: 'Northwind Travel', externalId: 'feed-1' } });
    await assertUniqueViolation(prisma.advertiser.create({ data: { name: 'Contoso Airways', externalId: 'feed-1' } }));
  });

  it('scope campaign external ids to their advertiser', async () => {
    const other = await prisma.advertiser.create({ data: { name: 'Globex Cloud' } });
    await prisma.campaign.create({ data: campaign({ name: 'Feed A', externalId: 'cmp-1' }) });
    await assertUniqueViolation(prisma.campaign.create({ data: campaign({ name: 'Feed B', externalId: 'cmp-1' }) }));
    await prisma.campaign.create({ data: campaign({ advertiserId: other.id, name: 'Feed C', externalId: 'cmp-1' }) });
    // Campaigns without an external id do not collide with each other.
    await prisma.campaign.create({ data: campaign({ name: 'Manual 1' }) });
    await prisma.campaign.create({ data: campaign({ name: 'Manual 2' }) });
  });

  it('keep placement keys, site domains and API key hashes unique', async () => {
    const site = await prisma.site.create({ data: { name: 'Daily Planet', domain: 'dailyplanet.example', category: 'news' } });
    await assertUniqueViolation(prisma.site.create({ data: { name: 'Copy', domain: 'dailyplanet.example', category: 'news' } }));
    const placement = { siteId: site.id, key: 'dp-top', name: 'Top', category: 'news', allowedFormats: ['banner' as const] };
    await prisma.placement.create({ data: placement });
    await assertUniqueViolation(prisma.placement.create({ data: { ...placement, name: 'Top again' } }));
    const hash = 'b'.repeat(64);
    await prisma.apiKey.create({ data: { name: 'Ops', prefix: 'ads_bbbbbbbb', hash, role: 'admin' } });
    await assertUniqueViolation(prisma.apiKey.create({ data: { name: 'Ops 2', prefix: 'ads_bbbbbbbb', hash, role: 'service' } }));
  });

  it('allow one hourly stats row per ad and hour, and one stats batch per id', async () => {
    const { id: campaignId } = await prisma.campaign.create({ data: campaign({ name: 'Hourly' }) });
    const { id: adId } = await prisma.ad.create({
      data: { campaignId, format: 'native', title: 'Tents', clickUrl: 'https://acme.example/t' },
    });
    const hour = new Date('2026-03-02T10:00:00Z');
    await prisma.hourlyStat.create({ data: { adId, campaignId, hour, impressions: 10 } });
    await assertUniqueViolation(prisma.hourlyStat.create({ data: { adId, campaignId, hour, impressions: 5 } }));
    await prisma.statsBatch.create({ data: { batchId: 'worker-1:42', rows: 1 } });
    await assertUniqueViolation(prisma.statsBatch.create({ data: { batchId: 'worker-1:42', rows: 1 } }));
  });

  it('allow one global switch per name (NULL scope ids are not distinct)', async () => {
    await prisma.featureSwitch.create({ data: { name: 'serving.frequency_caps', enabled: true } });
    await assertUniqueViolation(prisma.featureSwitch.create({ data: { name: 'serving.frequency_caps' } }));
    await prisma.featureSwitch.create({ data: { name: 'serving.frequency_caps', scope: 'advertiser', scopeId: advertiserId } });
    await assertUniqueViolation(
      prisma.featureSwitch.create({ data: { name: 'serving.frequency_caps', scope: 'advertiser', scopeId: advertiserId } }),
    );
  });
});
