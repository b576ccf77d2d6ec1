import cliProgress from 'cli-progress';
import type { WarmProgress } from '../app/serving-index-warmer';

/** A progress bar on a terminal's stderr: snapshot pages while reading, then the write. */
export function terminalProgress(): WarmProgress & { stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      format: '{phase} [{bar}] {value}/{total} pages | {campaigns} campaigns, {ads} ads',
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    page(counts, more) {
      // The snapshot does not say how many pages there are: the total runs one ahead until the last.
      const total = more ? counts.pages + 1 : counts.pages;
      if (!started) {
        bar.start(total, counts.pages, { phase: 'reading', campaigns: counts.campaigns, ads: counts.ads });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(counts.pages, { campaigns: counts.campaigns, ads: counts.ads });
      }
    },
    writing() {
      if (started) bar.update({ phase: 'writing' });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
