import type { LocalTime } from './zone-clock';

/**
 * Day-parting in the campaign's own time zone: `hours` (0-23) and `weekdays` (0 = Sunday);
 * an empty list means "all".
 */
export function dayPartingAllows(hours: readonly number[], weekdays: readonly number[], local: LocalTime): boolean {
  if (hours.length > 0 && !hours.includes(local.hour)) return false;
  if (weekdays.length > 0 && !weekdays.includes(local.weekday)) return false;
  return true;
}
