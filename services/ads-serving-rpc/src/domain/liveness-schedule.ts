/**
 * The campaigns of an index by the next instant their liveness verdict can change (a local
 * hour boundary, a flight's start or end, the next tick for one ahead of its even pace; a new
 * spend reading makes one due at once): a binary min-heap of (instant, campaign ordinal) in
 * typed arrays, so that the liveness refresh looks only at the campaigns that are due and the
 * schedule adds no objects for the garbage collector to walk.
 *
 * Each campaign has one due instant (`dueAt`). Rescheduling pushes a new entry and leaves the
 * old one in the heap: when it surfaces, its instant no longer matches the campaign's and it
 * is skipped. The heap is compacted when stale entries outnumber the campaigns.
 */
export class LivenessSchedule {
  private readonly due: Float64Array;
  private readonly heapDue: Float64Array;
  private readonly heapOrdinal: Int32Array;
  private size = 0;

  constructor(readonly campaignCount: number) {
    this.due = new Float64Array(campaignCount).fill(Number.POSITIVE_INFINITY);
    const capacity = Math.max(2, campaignCount * 2);
    this.heapDue = new Float64Array(capacity);
    this.heapOrdinal = new Int32Array(capacity);
  }

  /** When the campaign is due next; Infinity when it is not scheduled. */
  dueAt(ordinal: number): number {
    return this.due[ordinal]!;
  }

  /** Makes the campaign due at `atMs` (replacing its earlier instant); Infinity: never. */
  schedule(ordinal: number, atMs: number): void {
    if (this.due[ordinal] === atMs) return;
    this.due[ordinal] = atMs;
    if (atMs === Number.POSITIVE_INFINITY) return;
    if (this.size === this.heapDue.length) this.makeRoom();
    this.push(atMs, ordinal);
  }

  /** Makes the campaign due now, unless it is due earlier already. */
  scheduleNoLaterThan(ordinal: number, atMs: number): void {
    if (this.due[ordinal]! > atMs) this.schedule(ordinal, atMs);
  }

  /**
   * Takes up to `limit` campaigns due at or before `nowMs` (earliest first) into `into` and
   * returns how many; each taken campaign is unscheduled until it is scheduled again.
   */
  takeDue(nowMs: number, into: Int32Array): number {
    let taken = 0;
    while (taken < into.length && this.size > 0 && this.heapDue[0]! <= nowMs) {
      const atMs = this.heapDue[0]!;
      const ordinal = this.heapOrdinal[0]!;
      this.pop();
      // A stale entry: the campaign was rescheduled (or taken) since.
      if (this.due[ordinal] !== atMs) continue;
      this.due[ordinal] = Number.POSITIVE_INFINITY;
      into[taken] = ordinal;
      taken += 1;
    }
    return taken;
  }

  /** The earliest instant a campaign is due; Infinity when none is. */
  nextDueMs(): number {
    while (this.size > 0 && this.due[this.heapOrdinal[0]!] !== this.heapDue[0]) this.pop();
    return this.size > 0 ? this.heapDue[0]! : Number.POSITIVE_INFINITY;
  }

  /** Entries in the heap, stale ones included (for tests). */
  get entries(): number {
    return this.size;
  }

  private push(atMs: number, ordinal: number): void {
    const heapDue = this.heapDue;
    const heapOrdinal = this.heapOrdinal;
    let at = this.size;
    this.size += 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heapDue[parent]! <= atMs) break;
      heapDue[at] = heapDue[parent]!;
      heapOrdinal[at] = heapOrdinal[parent]!;
      at = parent;
    }
    heapDue[at] = atMs;
    heapOrdinal[at] = ordinal;
  }

  private pop(): void {
    const heapDue = this.heapDue;
    const heapOrdinal = this.heapOrdinal;
    this.size -= 1;
    const size = this.size;
    if (size === 0) return;
    const atMs = heapDue[size]!;
    const ordinal = heapOrdinal[size]!;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && heapDue[child + 1]! < heapDue[child]!) child += 1;
      if (heapDue[child]! >= atMs) break;
      heapDue[at] = heapDue[child]!;
      heapOrdinal[at] = heapOrdinal[child]!;
      at = child;
    }
    heapDue[at] = atMs;
    heapOrdinal[at] = ordinal;
  }

  /** Drops stale entries: a campaign has one live entry at most and the heap room for two each, so half is freed at least. */
  private makeRoom(): void {
    this.size = 0;
    for (let ordinal = 0; ordinal < this.campaignCount; ordinal += 1) {
      const atMs = this.due[ordinal]!;
      if (atMs !== Number.POSITIVE_INFINITY) this.push(atMs, ordinal);
    }
  }
}
