// Redis stream ids are `<ms>-<seq>`, both unsigned 64-bit integers written without leading
// zeros: comparing the digit strings by length, then lexically, is exact at any size and avoids
// BigInt on the roll-up's hot path (one comparison per entry of every batch).

const STREAM_ID = /^(0|[1-9]\d*)-(0|[1-9]\d*)$/;

function check(id: string): number {
  if (!STREAM_ID.test(id)) throw new RangeError(`"${id}" is not a stream id of the form <ms>-<seq>`);
  return id.indexOf('-');
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when a is older than b, zero when equal, positive when newer. */
export function compareStreamIds(a: string, b: string): number {
  const aDash = check(a);
  const bDash = check(b);
  return compareDigits(a.slice(0, aDash), b.slice(0, bDash)) || compareDigits(a.slice(aDash + 1), b.slice(bDash + 1));
}

/** The smallest id greater than `id`. */
export function nextStreamId(id: string): string {
  const dash = check(id);
  return `${id.slice(0, dash)}-${BigInt(id.slice(dash + 1)) + 1n}`;
}

/** The oldest and newest of a non-empty list of ids. */
export function streamIdRange(ids: readonly string[]): { first: string; last: string } {
  if (ids.length === 0) throw new RangeError('an empty list of stream ids has no range');
  let first = ids[0]!;
  let last = ids[0]!;
  for (const id of ids) {
    if (compareStreamIds(id, first) < 0) first = id;
    else if (compareStreamIds(id, last) > 0) last = id;
  }
  return { first, last };
}
