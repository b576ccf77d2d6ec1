/**
 * A bounded first-in first-out buffer of events waiting for Redis. When full, new events are
 * refused (and counted as dropped by the caller): memory stays bounded whatever the outage.
 */
export class EventBuffer<T> {
  private items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): boolean {
    if (this.size >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** The oldest `count` items, left in place until `drop`. */
  peek(count: number): T[] {
    return this.items.slice(this.head, this.head + count);
  }

  drop(count: number): void {
    this.head = Math.min(this.items.length, this.head + count);
    // Compact once the consumed prefix is large, so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
