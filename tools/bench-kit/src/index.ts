export { ensureWrk, runWrk, runWrkPaths, wrkScript } from './wrk.js';
export type { WrkPathsResult, WrkResult } from './wrk.js';
export { OPEN_TARGETING, fixtureSnapshotAd, fixtureSnapshotCampaign, syntheticSnapshotAd } from './fixture-snapshot-campaign.js';
export type { FixtureSnapshotCampaignInput } from './fixture-snapshot-campaign.js';
