import { ROW_ID_PATTERN } from '@ads/ads-client';

/** Whether a string can be a row id: ids are UUIDs, and a uuid column refuses anything else. */
export function isRowId(value: string): boolean {
  return ROW_ID_PATTERN.test(value);
}
