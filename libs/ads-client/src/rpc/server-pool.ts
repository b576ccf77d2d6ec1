/**
 * Round-robin over a list of server URLs with passive health: a server whose connection
 * fails is ejected for a cool-down, then re-admitted. When every server is ejected, the one
 * whose cool-down ends first is tried rather than failing without trying.
 */
export class ServerPool {
  private next = 0;
  private readonly ejectedUntil: number[];

  constructor(
    readonly urls: readonly string[],
    private readonly cooldownMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {
    if (urls.length === 0) throw new TypeError('a server pool needs at least one URL');
    this.ejectedUntil = urls.map(() => 0);
  }

  /** Index of the server for the next attempt, skipping ejected ones and `exclude`. */
  pick(exclude: ReadonlySet<number> = new Set()): number | undefined {
    const now = this.now();
    for (let step = 0; step < this.urls.length; step++) {
      const index = (this.next + step) % this.urls.length;
      if (exclude.has(index) || this.ejectedUntil[index]! > now) continue;
      this.next = index + 1;
      return index;
    }
    let soonest: number | undefined;
    for (let index = 0; index < this.urls.length; index++) {
      if (exclude.has(index)) continue;
      if (soonest === undefined || this.ejectedUntil[index]! < this.ejectedUntil[soonest]!) soonest = index;
    }
    return soonest;
  }

  eject(index: number): void {
    this.ejectedUntil[index] = this.now() + this.cooldownMs;
  }

  readmit(index: number): void {
    this.ejectedUntil[index] = 0;
  }

  isEjected(index: number): boolean {
    return this.ejectedUntil[index]! > this.now();
  }
}
