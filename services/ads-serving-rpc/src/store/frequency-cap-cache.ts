import type { IndexedCampaign } from '../domain/decision-index';
import { impressionsInWindow } from '../domain/frequency-cap';

/** The longest a refusal's "no place before" time is trusted. */
const MAX_FULL_TRUST_MS = 60_000;

interface CapEntry {
  /** Impressions in the window plus live holds, as Redis last answered (0: never asked). */
  count: number;
  /** When Redis answered; 0 when only this process's own knowledge is in the entry. */
  fetchedAt: number;
  /** Redis refused a hold: no place can free up before this time (ms), so the count stands until then. */
  fullUntil: number;
  /** Places this process took while Redis was away (decisions, and beacons of other instances' decisions). */
  localTimes: number[];
}

/**
 * Frequency-cap counts per user key and campaign, cached in bounded memory. While Redis is up
 * the cache is only a hint: a decision that shows a capped ad takes a hold in Redis, which
 * decides; the cache spares the round trip for users it knows are capped. While Redis is away
 * it is the best knowledge left.
 */
export class FrequencyCapCache {
  private readonly entries = new Map<string, CapEntry>();

  constructor(private readonly options: { freshMs: number; maxEntries: number }) {}

  /**
   * The user's count for the campaign, or undefined when unknown here (with Redis up, the
   * hold will tell). With Redis away, a user this process knows nothing of counts as capped: a
   * cap is a promise to the advertiser, so the capped campaigns sit out rather than serve that
   * user without limit.
   */
  count(userKey: string, campaign: IndexedCampaign, nowMs: number, redisAvailable: boolean): number | undefined {
    const entry = this.entries.get(entryKey(userKey, campaign.id));
    if (entry === undefined) return redisAvailable ? undefined : Number.POSITIVE_INFINITY;
    if (redisAvailable && nowMs - entry.fetchedAt > this.options.freshMs && nowMs >= entry.fullUntil) return undefined;
    return entry.count + impressionsInWindow(entry.localTimes, campaign.frequencyCap?.windowMs ?? 0, nowMs);
  }

  /**
   * What Redis answered to a hold: the count with the hold when granted, the full count when
   * refused, with the earliest time a place can free up (the user is capped until then).
   */
  remember(userKey: string, campaignId: string, count: number, nowMs: number, fullUntil = 0): void {
    // Trusted for a minute at most: a released hold can free a place earlier than Redis said.
    this.set(entryKey(userKey, campaignId), {
      count,
      fetchedAt: nowMs,
      fullUntil: Math.min(fullUntil, nowMs + MAX_FULL_TRUST_MS),
      localTimes: [],
    });
  }

  /** A place taken without Redis (it was away): known here until Redis is asked again. */
  recordLocally(userKey: string, campaignId: string, atMs: number): void {
    const key = entryKey(userKey, campaignId);
    const entry = this.entries.get(key);
    if (entry === undefined) this.set(key, { count: 0, fetchedAt: 0, fullUntil: 0, localTimes: [atMs] });
    else entry.localTimes.push(atMs);
  }

  private set(key: string, entry: CapEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    // A Map iterates in insertion order: the first key is the least recently written.
    if (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

function entryKey(userKey: string, campaignId: string): string {
  return `${userKey}\u0000${campaignId}`;
}
