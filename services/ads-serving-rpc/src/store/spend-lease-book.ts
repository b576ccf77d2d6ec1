interface HeldLease {
  remainingMicros: number;
  untilMs: number;
  /** Spent from the lease since it was granted: a lease in use is renewed before it lapses. */
  spentMicros: number;
  /** A long lease (plenty of budget left): renewed whether used or not, so decisions never wait for it. */
  long: boolean;
}

/**
 * The spend leases this process holds, per campaign: what is left of each slice Redis granted
 * (`LimitReservations`) and until when it may be served against. Decisions spend from it
 * without a round trip; a campaign whose lease cannot pay for one more ad asks for a new one.
 */
export class SpendLeaseBook {
  private readonly leases = new Map<string, HeldLease>();

  /** Whether the campaign's lease can pay `priceMicros` now. */
  covers(campaignId: string, priceMicros: number, nowMs: number): boolean {
    const lease = this.leases.get(campaignId);
    return lease !== undefined && lease.untilMs > nowMs && lease.remainingMicros >= priceMicros;
  }

  /** Pays one ad from the campaign's lease; false when it cannot (the ad is then served unleased: Redis was away). */
  spend(campaignId: string, priceMicros: number, nowMs: number): boolean {
    const lease = this.leases.get(campaignId);
    if (lease === undefined || lease.untilMs <= nowMs || lease.remainingMicros < priceMicros) return false;
    lease.remainingMicros -= priceMicros;
    lease.spentMicros += priceMicros;
    return true;
  }

  /**
   * Adds a slice Redis granted. What is left of a slice still running is kept: two decisions
   * may have asked at once, and both slices are held for this process in Redis.
   */
  grant(campaignId: string, micros: number, untilMs: number, nowMs: number, long = false): void {
    const lease = this.leases.get(campaignId);
    if (lease === undefined) this.leases.set(campaignId, { remainingMicros: micros, untilMs, spentMicros: 0, long });
    else {
      lease.remainingMicros = (lease.untilMs > nowMs ? lease.remainingMicros : 0) + micros;
      lease.untilMs = untilMs;
      lease.spentMicros = 0;
      lease.long = long;
    }
  }

  /** Whether the campaign holds a lease that has not lapsed (whatever is left of it). */
  holds(campaignId: string, nowMs: number): boolean {
    const lease = this.leases.get(campaignId);
    return lease !== undefined && lease.untilMs > nowMs;
  }

  /**
   * A renewal replaces the lease about to lapse: what was left of it lapses in Redis within
   * moments, so it is not carried over (the process would serve against money no longer held).
   */
  renew(campaignId: string, micros: number, untilMs: number, long: boolean): void {
    this.leases.set(campaignId, { remainingMicros: micros, untilMs, spentMicros: 0, long });
  }

  /**
   * Campaigns whose lease lapses before `horizonMs` and is worth renewing in the background: a
   * long one (plenty left), or a short one in use. A short unused one (the budget nearly gone)
   * is left to lapse and return to the other instances.
   */
  dueForRenewal(nowMs: number, horizonMs: number): string[] {
    const due: string[] = [];
    for (const [campaignId, lease] of this.leases) {
      if (lease.untilMs > nowMs && lease.untilMs <= horizonMs && (lease.long || lease.spentMicros > 0)) due.push(campaignId);
    }
    return due;
  }

  /** Forgets lapsed leases (on the pacing refresh), so the book holds only campaigns that serve. */
  prune(nowMs: number): void {
    for (const [campaignId, lease] of this.leases) if (lease.untilMs <= nowMs) this.leases.delete(campaignId);
  }
}
