import type { WarmSummary } from '../app/serving-index-warmer';

/** The human report of one build: what was published (or why not), its size, what was left out. */
export function renderWarmSummary(summary: WarmSummary): string {
  const { counts } = summary;
  const headline = {
    'dry-run': () =>
      `dry run: would write index version ${summary.version} as ${summary.key} and make it current${summary.previous === null ? '' : ` in place of ${summary.previous}`} (nothing written)`,
    published: () => `published index version ${summary.version}${summary.previous === null ? '' : ` (previous ${summary.previous})`}`,
    stale: () =>
      `not published: index version ${summary.version} (snapshot of ${summary.asOf}) is older than the current version ${summary.supersededBy?.version} (snapshot of ${summary.supersededBy?.asOf}), which stays; ${summary.version} expires`,
  }[summary.outcome];
  const lines = [
    headline(),
    `  ${counts.campaigns} campaigns, ${counts.ads} ads, ${counts.placements} placements, ${counts.candidates} candidate entries; ${summary.chunks} chunks, ${(summary.bytes / 1024).toFixed(0)} KiB`,
    `  left out: ${counts.skippedEndedCampaigns} ended campaigns, ${counts.skippedCampaignsWithoutAds} without servable ads, ${counts.skippedInactiveAds} inactive ads`,
    `  read ${counts.pages} snapshot pages in ${summary.readMs} ms, ${summary.dryRun ? 'encoded' : 'wrote'} in ${summary.writeMs} ms`,
    ...summary.placements.map(
      (placement) => `  ${placement.key}: ${placement.sponsorship} sponsorship, ${placement.standard} standard, ${placement.house} house`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
