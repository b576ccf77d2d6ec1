import { useEffect, useState } from 'react';

/** Reports and pacing refresh on their own: stats arrive from the roll-up every few minutes. */
export const REFRESH_MS = 60_000;

const HOUR_MS = 3_600_000;

/** The time, ticking every `periodMs`: reports and pacing reload with it. */
export function useClock(periodMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), periodMs);
    return () => window.clearInterval(timer);
  }, [periodMs]);
  return now;
}

/** The end of the UTC hour that contains `epochMs`: report ranges end there. */
export function hourAligned(epochMs: number): number {
  return Math.ceil(epochMs / HOUR_MS) * HOUR_MS;
}
