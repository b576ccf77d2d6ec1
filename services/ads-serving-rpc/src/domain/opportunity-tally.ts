import {
  dayBucket,
  hourBucket,
  samplePriority,
  slotProperties,
  visitorHash,
  type OpportunitySample,
  type PageProperties,
  type Rng,
} from '@ads/ads-client';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Periods this far behind the newest one recorded are dropped from memory (what Redis never took). */
export const OPPORTUNITY_MEMORY_MS = 2 * DAY_MS;

/** What recording needs of a decision request (a parsed `serving.decisionRequest` is one). */
export interface OpportunityRequest {
  placements: ReadonlyArray<{ placementKey: string; properties?: PageProperties | undefined }>;
  userKey?: string | undefined;
  consent: boolean;
  country?: string | undefined;
  device?: OpportunitySample['device'];
  properties?: PageProperties | undefined;
}

/** The requests counted in one UTC hour, per placement key. */
export interface OpportunityHourCounts {
  startMs: number;
  /** `YYYYMMDDHH` (`hourBucket`). */
  hour: string;
  counts: Map<string, number>;
}

/** The sampled requests of one UTC day not yet sent to Redis. */
export interface OpportunityDaySample {
  startMs: number;
  /** `YYYYMMDD` (`dayBucket`, UTC). */
  day: string;
  samples: OpportunitySample[];
}

interface DayBuffer extends OpportunityDaySample {
  /** Requests of this priority or above are not kept: the day's merged sample holds k at or below it. */
  threshold: number;
}

/**
 * The opportunities one serving process has recorded and not yet flushed: exact request
 * counts per UTC hour and placement, and per UTC day the requests whose visitor priority
 * (`samplePriority(visitorHash)`) is below the day's known threshold (bottom-k by visitor, see
 * `contracts/forecast.ts`). A day's buffer that passes 2k entries is cut to its k lowest and
 * the threshold lowered to the k-th; the flush lowers it further to what the merged sample in
 * Redis says. Requests at the threshold itself (the k-th visitor's own) are not kept: the
 * contract's "those at it, partly"; otherwise one heavy visitor at the threshold would refill
 * the buffer with ties on every request. Memory: one number per hour and placement, at most 2k samples
 * per day; periods more than two days behind the newest recorded one are dropped when
 * Redis does not take them.
 *
 * The hot path (`record`) allocates nothing for a request that is not sampled: the current
 * hour's and day's buffers are cached, and the visitor hash is computed once per request.
 */
export class OpportunityTally {
  private hours = new Map<number, OpportunityHourCounts>();
  private readonly days = new Map<number, DayBuffer>();
  private hourStart = 0;
  private hourEnd = -1;
  private hourCounts: Map<string, number> | undefined;
  private dayStart = 0;
  private dayEnd = -1;
  private day: DayBuffer | undefined;
  private newestMs = 0;

  constructor(
    /** k: requests a day's sample keeps. */
    readonly sampleSize: number,
    private readonly random: Rng = Math.random,
  ) {}

  /**
   * Counts one request for every placement of `request` whose key `known` holds, at `atMs`,
   * and keeps it in the day's sample when its visitor is below the day's threshold. The visitor is
   * the user key's hash with consent, otherwise a new random one. Returns the placements counted.
   */
  record(known: ReadonlyMap<string, unknown>, request: OpportunityRequest, keywords: readonly string[], atMs: number): number {
    const placements = request.placements;
    let counted = 0;
    let visitor = 0;
    let priority = 1;
    for (let at = 0; at < placements.length; at += 1) {
      const placement = placements[at]!;
      if (!known.has(placement.placementKey)) continue;
      if (counted === 0) {
        if (atMs < this.hourStart || atMs >= this.hourEnd) this.enterHour(atMs);
        if (atMs < this.dayStart || atMs >= this.dayEnd) this.enterDay(atMs);
        visitor =
          request.userKey !== undefined && request.consent ? visitorHash(request.userKey) : Math.floor(this.random() * 2 ** 32) >>> 0;
        priority = samplePriority(visitor);
      }
      counted += 1;
      const counts = this.hourCounts!;
      counts.set(placement.placementKey, (counts.get(placement.placementKey) ?? 0) + 1);
      const day = this.day!;
      if (priority < day.threshold) {
        const sample: OpportunitySample = {
          placementKey: placement.placementKey,
          hour: Math.floor((atMs - this.dayStart) / HOUR_MS),
          visitor,
          nonce: Math.floor(this.random() * 2 ** 32) >>> 0,
          keywords: keywords as string[],
        };
        if (request.country !== undefined) sample.country = request.country;
        if (request.device !== undefined) sample.device = request.device;
        const properties = slotProperties(request.properties, placement.properties);
        if (properties !== undefined) sample.properties = properties as OpportunitySample['properties'];
        day.samples.push(sample);
        if (day.samples.length > 2 * this.sampleSize) this.cut(day, this.sampleSize);
      }
    }
    return counted;
  }

  /** Hours with counts and days with samples, taken out of memory for a flush (give back what Redis refused). */
  take(): { hours: OpportunityHourCounts[]; days: OpportunityDaySample[] } {
    const hours = [...this.hours.values()];
    this.hours = new Map();
    this.hourEnd = -1;
    this.hourCounts = undefined;
    const days: OpportunityDaySample[] = [];
    for (const day of this.days.values()) {
      if (day.samples.length > 0) {
        days.push({ startMs: day.startMs, day: day.day, samples: day.samples });
        day.samples = [];
      }
    }
    this.forget();
    return { hours, days };
  }

  /** Puts back counts a flush could not write. */
  restoreCount(startMs: number, placementKey: string, requests: number): void {
    if (startMs < this.newestMs - OPPORTUNITY_MEMORY_MS) return;
    const counts = this.hourOf(startMs).counts;
    counts.set(placementKey, (counts.get(placementKey) ?? 0) + requests);
  }

  /** Puts back samples a flush could not write: the day keeps at most its k lowest. */
  restoreSamples(startMs: number, samples: readonly OpportunitySample[]): void {
    if (startMs < this.newestMs - OPPORTUNITY_MEMORY_MS) return;
    const day = this.dayOf(startMs);
    for (const sample of samples) if (samplePriority(sample.visitor) < day.threshold) day.samples.push(sample);
    if (day.samples.length > this.sampleSize) this.cut(day, this.sampleSize);
  }

  /** The merged sample in Redis holds k requests at or below `threshold`: requests at or above it would be trimmed anyway (or tie). */
  learnThreshold(startMs: number, threshold: number): void {
    const day = this.days.get(startMs);
    if (day !== undefined && threshold < day.threshold) day.threshold = threshold;
  }

  /** The day's current threshold (1 while its sample may take every request). */
  thresholdOf(startMs: number): number {
    return this.days.get(startMs)?.threshold ?? 1;
  }

  /** Samples held in memory (every day). */
  get samplesHeld(): number {
    let held = 0;
    for (const day of this.days.values()) held += day.samples.length;
    return held;
  }

  /** Hour × placement counters held in memory. */
  get countersHeld(): number {
    let held = 0;
    for (const hour of this.hours.values()) held += hour.counts.size;
    return held;
  }

  private enterHour(atMs: number): void {
    const startMs = atMs - (atMs % HOUR_MS);
    this.hourStart = startMs;
    this.hourEnd = startMs + HOUR_MS;
    this.hourCounts = this.hourOf(startMs).counts;
    if (startMs > this.newestMs) this.newestMs = startMs;
  }

  private enterDay(atMs: number): void {
    const startMs = atMs - (atMs % DAY_MS);
    this.dayStart = startMs;
    this.dayEnd = startMs + DAY_MS;
    this.day = this.dayOf(startMs);
  }

  private hourOf(startMs: number): OpportunityHourCounts {
    let hour = this.hours.get(startMs);
    if (hour === undefined) {
      hour = { startMs, hour: hourBucket(startMs), counts: new Map() };
      this.hours.set(startMs, hour);
    }
    return hour;
  }

  private dayOf(startMs: number): DayBuffer {
    let day = this.days.get(startMs);
    if (day === undefined) {
      day = { startMs, day: dayBucket(startMs, 'UTC'), samples: [], threshold: 1 };
      this.days.set(startMs, day);
    }
    return day;
  }

  /**
   * Keeps the day's `keep` lowest-priority samples and lowers its threshold to the highest kept
   * (exactly `keep`: the next cut is `keep` samples away, so a cut costs O(log k) a sample).
   */
  private cut(day: DayBuffer, keep: number): void {
    const samples = day.samples.sort((left, right) => left.visitor - right.visitor);
    samples.length = keep;
    const threshold = samplePriority(samples[keep - 1]!.visitor);
    if (threshold < day.threshold) day.threshold = threshold;
  }

  /** Drops the days (and their thresholds) more than two days behind the newest hour recorded, once empty. */
  private forget(): void {
    const horizon = this.newestMs - OPPORTUNITY_MEMORY_MS;
    for (const [startMs, day] of this.days) {
      if (startMs + DAY_MS <= horizon && day.samples.length === 0) {
        this.days.delete(startMs);
        if (this.day === day) {
          this.day = undefined;
          this.dayEnd = -1;
        }
      }
    }
  }
}
