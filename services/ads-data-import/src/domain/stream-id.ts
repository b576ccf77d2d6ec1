// Redis stream ids are `<ms>-<seq>`, both unsigned 64-bit; BigInt keeps the comparison exact.

function partsOf(id: string): [bigint, bigint] {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (match === null) throw new RangeError(`"${id}" is not a stream id of the form <ms>-<seq>`);
  return [BigInt(match[1]!), BigInt(match[2]!)];
}

/** Negative when a is older than b, zero when equal, positive when newer. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = partsOf(a);
  const [bMs, bSeq] = partsOf(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/** The smallest id greater than `id`. */
export function nextStreamId(id: string): string {
  const [ms, seq] = partsOf(id);
  return `${ms}-${seq + 1n}`;
}

/** The oldest and newest of a non-empty list of ids. */
export function streamIdRange(ids: readonly string[]): { first: string; last: string } {
  if (ids.length === 0) throw new RangeError('an empty list of stream ids has no range');
  let first = ids[0]!;
  let last = ids[0]!;
  for (const id of ids) {
    if (compareStreamIds(id, first) < 0) first = id;
    if (compareStreamIds(id, last) > 0) last = id;
  }
  return { first, last };
}
