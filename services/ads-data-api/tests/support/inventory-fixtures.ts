// Small builders of inventory rows for tests, written straight through Prisma.
import type { Prisma, PrismaClient } from '../../src/generated/prisma/client';

const DAY_MS = 86_400_000;
let sequence = 0;
const next = () => (sequence += 1);

export async function createAdvertiser(prisma: PrismaClient, data: Partial<Prisma.AdvertiserUncheckedCreateInput> = {}) {
  return prisma.advertiser.create({ data: { name: `Advertiser ${next()} ${Math.random()}`, ...data } });
}

/** An active campaign whose flight runs from yesterday to in 30 days, CPM 250 cents. */
export async function createCampaign(prisma: PrismaClient, advertiserId: string, data: Partial<Prisma.CampaignUncheckedCreateInput> = {}) {
  const now = Date.now();
  return prisma.campaign.create({
    data: {
      advertiserId,
      name: `Campaign ${next()}`,
      status: 'active',
      flightStart: new Date(now - DAY_MS),
      flightEnd: new Date(now + 30 * DAY_MS),
      totalBudget: 100_000,
      dailyBudget: 5_000,
      bidAmount: 250,
      ...data,
    },
  });
}

/** An active, approved native ad. */
export async function createAd(prisma: PrismaClient, campaignId: string, data: Partial<Prisma.AdUncheckedCreateInput> = {}) {
  return prisma.ad.create({
    data: {
      campaignId,
      format: 'native',
      title: `Ad ${next()}`,
      clickUrl: 'https://shop.example/landing',
      status: 'active',
      reviewState: 'approved',
      ...data,
    },
  });
}
