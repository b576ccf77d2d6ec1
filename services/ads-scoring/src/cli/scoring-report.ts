import Table from 'cli-table3';
import type { ScoringSummary } from '../app/scoring-run';

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
const money = (micros: number) => (micros / 1_000_000).toFixed(2);

/** The human report of a run: what was published and a table of the biggest movers. */
export function renderScoringReport(summary: ScoringSummary, options: { colors: boolean }): string {
  const lines: string[] = [];
  const published = summary.dryRun ? 'dry run: nothing written' : `published score version ${summary.version}`;
  lines.push(
    `${published} (${summary.ads} ads in ${summary.campaigns} campaigns, ${summary.adsWithEvidence} with impressions, ` +
      `global CTR ${percent(summary.globalCtr)}, ${summary.durationMs} ms)`,
  );
  lines.push(`previous version: ${summary.previousVersion ?? 'none'}; new ads ${summary.added}, dropped ${summary.removed}`);
  const { pacing } = summary;
  lines.push(
    `pacing: ${pacing.behind} behind plan, ${pacing.ahead} ahead, ${pacing.onPlan} on plan, ${pacing.budgetSpent} spent, ${pacing.unpaced} not paced`,
  );
  if (summary.movers.length === 0) {
    lines.push(summary.previousVersion === null ? 'no previous version to compare with' : 'no ad moved');
    return `${lines.join('\n')}\n`;
  }
  const table = new Table({
    head: ['ad', 'campaign', 'pCTR before', 'pCTR after', 'eCPM before', 'eCPM after', 'pacing', 'rank change'],
    style: options.colors ? { compact: true } : { head: [], border: [], compact: true },
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const mover of summary.movers) {
    table.push([
      mover.adId,
      mover.campaignName ?? mover.campaignId ?? '?',
      percent(mover.before.pCtr),
      percent(mover.after.pCtr),
      money(mover.before.eCpmMicros),
      money(mover.after.eCpmMicros),
      `${mover.before.pacingFactor.toFixed(2)} → ${mover.after.pacingFactor.toFixed(2)}`,
      `${mover.change > 0 ? '+' : ''}${((2 ** mover.change - 1) * 100).toFixed(1)}%`,
    ]);
  }
  lines.push('biggest movers (rank value = eCPM × pacing):', table.toString());
  return `${lines.join('\n')}\n`;
}
