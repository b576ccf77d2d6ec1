export { ensureWrk, runWrk, wrkScript } from './wrk';
export type { WrkResult } from './wrk';
export { OPEN_TARGETING, fixtureSnapshotAd, fixtureSnapshotCampaign, syntheticSnapshotAd } from './fixture-snapshot-campaign';
export type { FixtureSnapshotCampaignInput } from './fixture-snapshot-campaign';
