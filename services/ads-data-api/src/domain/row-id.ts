const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string can be a row id: ids are UUIDs, and a uuid column refuses anything else. */
export function isRowId(value: string): boolean {
  return uuidPattern.test(value);
}
