/**
 * Remembers recently counted event keys in bounded memory (two generations of at most
 * `capacity / 2` keys each): a replay within this instance is refused even while Redis, which
 * holds the authoritative markers, is away.
 */
export class RecentEvents {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  add(key: string): void {
    if (this.current.size >= this.capacity / 2) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(key);
  }
}
