/**
 * One live campaign of an `inventory.snapshot` page, as ads-data-api sends it: flying, budget
 * left, no cap, no targeting, one active native ad (`<id>-ad`). Tests override what they look at.
 */
export function snapshotCampaign<Overrides extends { id: string }>(overrides: Overrides) {
  return {
    advertiserId: 'adv-1',
    name: overrides.id,
    flightStart: '2020-01-01T00:00:00Z',
    flightEnd: '2099-01-01T00:00:00Z',
    timeZone: 'UTC',
    totalBudget: 1_000_000,
    dailyBudget: null,
    spentMicros: 0,
    pacing: 'even' as const,
    priority: 'standard' as const,
    bidType: 'CPM' as const,
    bidAmount: 100,
    frequencyCap: null,
    targeting: { countries: [], devices: [], keywords: [], siteIds: [], categories: [], hours: [], weekdays: [] },
    exclusionLabel: null,
    ads: [{ id: `${overrides.id}-ad`, format: 'native' as const, title: 'Title', body: 'Body', imageUrl: null, clickUrl: 'https://shop.test/', width: null, height: null, status: 'active' as const }],
    ...overrides,
  };
}
