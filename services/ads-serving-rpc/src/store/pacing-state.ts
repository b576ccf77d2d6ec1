import type { RedisKeys, RedisClient } from '@ads/ads-client';
import type { IndexedCampaign } from '../domain/decision-index';
import { totalSpentMicros, type CampaignSpend } from '../domain/pacing';
import type { ZoneClock } from '../domain/zone-clock';

interface SpendReading {
  /** `campaignLiveSpend`: the lifetime spend counted in real time by every instance. */
  liveMicros: number;
  /** The day (campaign time zone) `dayMicros` belongs to. */
  day: string;
  dayMicros: number;
}

/** A campaign's spend counters in Redis: `campaignLiveSpend`, and `campaignDaySpend` of `day`. */
interface CounterKeys {
  liveKey: string;
  day: string;
  dayKey: string;
}

const KEYS_PER_READ = 1_000;

/**
 * Spend per campaign for pacing, held in memory so that a decision never waits for Redis:
 * refreshed from the real-time counters every few seconds, and bumped at once by the events
 * this process counts (so one instance stops a campaign on the spot; others within a refresh).
 */
export class PacingState {
  private readonly readings = new Map<string, SpendReading>();
  // The refresh reads two counters of every paying campaign every few seconds: their keys are
  // kept rather than built (and collected) tens of thousands at a time.
  private readonly counters = new Map<string, CounterKeys>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  spendOf(campaign: Pick<IndexedCampaign, 'id' | 'spentMicros' | 'liveSpendBaselineMicros'>, day: string): CampaignSpend {
    return this.spendInto(campaign, day, { totalSpentMicros: 0, todaySpentMicros: 0 });
  }

  /**
   * `spendOf` written into `into` and returned: the liveness refresh reads every campaign's
   * spend every second (20,000 campaigns at 100,000 ads) and uses each at once, so one scratch
   * object serves them all instead of an object per campaign and second.
   */
  spendInto(
    campaign: Pick<IndexedCampaign, 'id' | 'spentMicros' | 'liveSpendBaselineMicros'>,
    day: string,
    into: CampaignSpend,
  ): CampaignSpend {
    const reading = this.readings.get(campaign.id);
    // Not read yet: the counter as cache-warming read it is a lower bound of what it holds now.
    if (reading === undefined) {
      into.totalSpentMicros = totalSpentMicros(campaign, campaign.liveSpendBaselineMicros);
      into.todaySpentMicros = 0;
    } else {
      into.totalSpentMicros = totalSpentMicros(campaign, reading.liveMicros);
      into.todaySpentMicros = reading.day === day ? reading.dayMicros : 0;
    }
    return into;
  }

  /**
   * Reads the counters of every campaign that spends money, one MGET of `KEYS_PER_READ` keys
   * at a time: the replies are handled between requests, so the event loop never stalls on
   * 100,000 values at once. `onMoved` hears of each campaign whose reading is new or changed.
   */
  async refresh(
    campaigns: readonly IndexedCampaign[],
    clock: ZoneClock,
    nowMs: number,
    onMoved?: (campaign: IndexedCampaign) => void,
  ): Promise<void> {
    const perRead = KEYS_PER_READ / 2;
    // Reused from one read to the next (ioredis copies its arguments), like the keys themselves.
    const slice: IndexedCampaign[] = [];
    const days: string[] = [];
    const keys: string[] = [];
    const read = async () => {
      const values = await this.redis.mget(keys);
      for (let at = 0; at < slice.length; at += 1) {
        const id = slice[at]!.id;
        const liveMicros = Number(values[at * 2] ?? 0);
        const dayMicros = Number(values[at * 2 + 1] ?? 0);
        // Updated in place: a refresh every few seconds must not churn 100,000 objects.
        const reading = this.readings.get(id);
        if (reading === undefined) this.readings.set(id, { liveMicros, day: days[at]!, dayMicros });
        else if (reading.liveMicros !== liveMicros || reading.day !== days[at] || reading.dayMicros !== dayMicros) {
          reading.liveMicros = liveMicros;
          reading.day = days[at]!;
          reading.dayMicros = dayMicros;
        } else continue;
        onMoved?.(slice[at]!);
      }
      slice.length = 0;
      days.length = 0;
      keys.length = 0;
    };
    for (const campaign of campaigns) {
      if (campaign.spendsNothing) continue;
      const day = clock.at(campaign.timeZone, nowMs).day;
      const counters = this.countersOf(campaign.id, day);
      slice.push(campaign);
      days.push(day);
      keys.push(counters.liveKey, counters.dayKey);
      if (slice.length >= perRead) await read();
    }
    if (slice.length > 0) await read();
  }

  /** Spend this process just counted (or buffered while Redis is away). */
  recordSpend(campaign: IndexedCampaign, day: string, micros: number): void {
    const reading = this.readings.get(campaign.id);
    if (reading === undefined) {
      this.readings.set(campaign.id, { liveMicros: campaign.liveSpendBaselineMicros + micros, day, dayMicros: micros });
      return;
    }
    reading.liveMicros += micros;
    if (reading.day === day) reading.dayMicros += micros;
    else {
      reading.day = day;
      reading.dayMicros = micros;
    }
  }

  /** Forgets campaigns that left the index. */
  retain(campaignIds: ReadonlySet<string>): void {
    for (const id of this.readings.keys()) if (!campaignIds.has(id)) this.readings.delete(id);
    for (const id of this.counters.keys()) if (!campaignIds.has(id)) this.counters.delete(id);
  }

  /** The campaign's counter keys for `day`, built once (and once a day for the day's counter). */
  private countersOf(campaignId: string, day: string): CounterKeys {
    let counters = this.counters.get(campaignId);
    if (counters === undefined) {
      counters = { liveKey: this.keys.campaignLiveSpend(campaignId), day, dayKey: this.keys.campaignDaySpend(campaignId, day) };
      this.counters.set(campaignId, counters);
    } else if (counters.day !== day) {
      counters.day = day;
      counters.dayKey = this.keys.campaignDaySpend(campaignId, day);
    }
    return counters;
  }
}
