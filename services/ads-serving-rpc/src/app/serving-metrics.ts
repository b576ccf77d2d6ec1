import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TrackingEventType } from '@ads/ads-client';

export type EventOutcome =
  'counted' | 'duplicate' | 'buffered' | 'dropped' | 'forged' | 'expired' | 'invalid' | 'gone' | 'over-budget' | 'over-cap';

const EVENT_TYPES: TrackingEventType[] = ['impression', 'viewable', 'click'];
const EVENT_OUTCOMES: EventOutcome[] = [
  'counted',
  'duplicate',
  'buffered',
  'dropped',
  'forged',
  'expired',
  'invalid',
  'gone',
  'over-budget',
  'over-cap',
];

/**
 * The Prometheus metrics of one serving process. Under SERVING_WORKERS > 1 the primary sums the
 * workers' counters, histograms and gauges; a gauge that is one reading shared by every worker
 * (the roll-up, the index, Redis) says how to combine instead (`aggregator`). Label children are created up front so the
 * hot path never hashes label values.
 */
export class ServingMetrics {
  readonly registry = new Registry();
  /** The text `/metrics` answers: this process's registry, or (in a cluster worker) the whole cluster's. */
  exposition: () => Promise<string> = () => this.registry.metrics();
  readonly decisions: Counter;
  readonly slotsRequested: Counter;
  readonly adsDecided: Counter;
  readonly decideSeconds: Histogram;
  /** Frequency-cap holds and spend leases asked of Redis, by kind and result. */
  readonly limitReservations: Counter<'kind' | 'result'>;
  readonly indexLoads: Counter<'outcome'>;
  /** Forecasting: placements of decision requests counted as opportunities. */
  readonly opportunitiesRecorded: Counter;
  /** Forecasting: sampled requests Redis took. */
  readonly opportunitySamplesFlushed: Counter;
  /** Forecasting: flushes Redis refused in whole or in part (what it refused is kept for the next). */
  readonly opportunityFlushFailures: Counter;
  private readonly events: Counter<'type' | 'outcome'>;
  private readonly eventChildren = new Map<string, { inc(): void }>();

  constructor(sources: {
    bufferSize: () => number;
    indexInfo: () => { version: string; ads: number; builtAt: string } | undefined;
    redisUp: () => boolean;
    /** Where the roll-up stands on the events stream; undefined when unknown. */
    rollupStatus: () => Promise<{ delaySeconds: number; unreadTrimmed: boolean } | undefined>;
    /** The stream's cap (`EVENTS_STREAM_MAXLEN`; 0: none). */
    eventsStreamMaxLen: number;
  }) {
    collectDefaultMetrics({ register: this.registry });
    // A roll-up lagging by more than the stream's cap loses the oldest events (their spend never
    // reaches the database): alert on the delay growing, page on unread entries trimmed. Both
    // gauges are collected in one scrape, concurrently: they share one reading of Redis.
    let reading: ReturnType<typeof sources.rollupStatus> | undefined;
    const rollupStatus = () => {
      // Shared while in flight only: the next scrape reads afresh.
      reading ??= sources.rollupStatus().finally(() => {
        reading = undefined;
      });
      return reading;
    };
    new Gauge({
      name: 'ads_serving_events_rollup_delay_seconds',
      aggregator: 'max',
      help: 'Time between the newest events-stream entry and the last one delivered to the roll-up (-1: unknown: Redis away, no stream or no roll-up group)',
      registers: [this.registry],
      async collect() {
        const status = await rollupStatus();
        this.set(status === undefined ? -1 : status.delaySeconds);
      },
    });
    new Gauge({
      name: 'ads_serving_events_rollup_unread_trimmed',
      aggregator: 'max',
      help: '1 when the stream cap has removed entries the roll-up had not read (events lost to the database), 0 when not, -1 unknown',
      registers: [this.registry],
      async collect() {
        const status = await rollupStatus();
        this.set(status === undefined ? -1 : status.unreadTrimmed ? 1 : 0);
      },
    });
    new Gauge({
      name: 'ads_serving_events_stream_max_entries',
      aggregator: 'first',
      help: 'Approximate cap of the events stream (EVENTS_STREAM_MAXLEN; 0: none)',
      registers: [this.registry],
      collect() {
        this.set(sources.eventsStreamMaxLen);
      },
    });
    this.decisions = new Counter({
      name: 'ads_serving_decisions_total',
      help: 'serving.decide calls answered',
      registers: [this.registry],
    });
    this.slotsRequested = new Counter({
      name: 'ads_serving_ad_slots_requested_total',
      help: 'Ads asked for (sum of placement counts)',
      registers: [this.registry],
    });
    this.adsDecided = new Counter({ name: 'ads_serving_ads_decided_total', help: 'Ads returned in decisions', registers: [this.registry] });
    const slotsRequested = this.slotsRequested;
    const adsDecided = this.adsDecided;
    new Gauge({
      name: 'ads_serving_fill_rate',
      aggregator: 'average',
      help: 'Ads returned / ads asked for since the process started',
      registers: [this.registry],
      async collect() {
        const asked = (await slotsRequested.get()).values[0]?.value ?? 0;
        const given = (await adsDecided.get()).values[0]?.value ?? 0;
        this.set(asked === 0 ? 0 : given / asked);
      },
    });
    this.decideSeconds = new Histogram({
      name: 'ads_serving_decide_duration_seconds',
      help: 'Time to decide one request (handler time)',
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25],
      registers: [this.registry],
    });
    this.limitReservations = new Counter({
      name: 'ads_serving_limit_reservations_total',
      help: 'Frequency-cap holds (kind="cap_hold") and spend leases (kind="spend_lease") asked of Redis by decisions, by result (granted, refused, timeout)',
      labelNames: ['kind', 'result'],
      registers: [this.registry],
    });
    this.indexLoads = new Counter({
      name: 'ads_serving_index_loads_total',
      help: 'Index versions loaded, by outcome',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.opportunitiesRecorded = new Counter({
      name: 'ads_serving_opportunities_recorded_total',
      help: 'Ad requests recorded for forecasting: one per placement of a decision request that the index knows',
      registers: [this.registry],
    });
    this.opportunitySamplesFlushed = new Counter({
      name: 'ads_serving_opportunity_samples_flushed_total',
      help: "Sampled ad requests written to the day's forecasting sample in Redis (before its trim to FORECAST_SAMPLE_SIZE)",
      registers: [this.registry],
    });
    this.opportunityFlushFailures = new Counter({
      name: 'ads_serving_opportunity_flush_failures_total',
      help: 'Forecasting flushes Redis refused in whole or in part (what it refused stays in memory for the next flush)',
      registers: [this.registry],
    });
    this.events = new Counter({
      name: 'ads_serving_events_total',
      help: 'Tracking beacons by event type and outcome',
      labelNames: ['type', 'outcome'],
      registers: [this.registry],
    });
    for (const type of EVENT_TYPES)
      for (const outcome of EVENT_OUTCOMES) this.eventChildren.set(`${type}:${outcome}`, this.events.labels(type, outcome));
    new Gauge({
      name: 'ads_serving_event_buffer_size',
      help: 'Events waiting in memory for Redis',
      registers: [this.registry],
      collect() {
        this.set(sources.bufferSize());
      },
    });
    new Gauge({
      name: 'ads_serving_redis_up',
      aggregator: 'min',
      help: '1 when the Redis command connection is ready',
      registers: [this.registry],
      collect() {
        this.set(sources.redisUp() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'ads_serving_index_ads',
      aggregator: 'max',
      help: 'Ads in the loaded index version',
      labelNames: ['version'],
      registers: [this.registry],
      collect() {
        this.reset();
        const info = sources.indexInfo();
        if (info !== undefined) this.labels(info.version).set(info.ads);
      },
    });
    new Gauge({
      name: 'ads_serving_index_age_seconds',
      aggregator: 'max',
      help: 'Age of the loaded index version (since cache-warming built it)',
      registers: [this.registry],
      collect() {
        const info = sources.indexInfo();
        this.set(info === undefined ? -1 : (Date.now() - Date.parse(info.builtAt)) / 1000);
      },
    });
  }

  event(type: TrackingEventType, outcome: EventOutcome): void {
    this.eventChildren.get(`${type}:${outcome}`)!.inc();
  }
}
