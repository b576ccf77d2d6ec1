// Frequency caps as people say them ("3 per day") over the API's windows in seconds.

/** The periods the dashboard offers, shortest first. */
export const CAP_WINDOWS = [
  { seconds: 3_600, unit: 'hour' },
  { seconds: 86_400, unit: 'day' },
  { seconds: 604_800, unit: 'week' },
  { seconds: 2_592_000, unit: '30 days' },
] as const;

/** "3 per day"; a window that is no whole period reads in hours or minutes ("3 per 2 hours"). */
export function formatFrequencyCap(cap: { count: number; windowSeconds: number } | null): string {
  if (cap === null) return 'none';
  const named = CAP_WINDOWS.find((window) => window.seconds === cap.windowSeconds);
  if (named) return `${cap.count} per ${named.unit}`;
  const hours = cap.windowSeconds / 3_600;
  if (Number.isInteger(hours)) return `${cap.count} per ${hours} hours`;
  return `${cap.count} per ${Math.round(cap.windowSeconds / 60)} minutes`;
}
