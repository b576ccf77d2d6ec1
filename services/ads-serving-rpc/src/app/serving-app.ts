import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { RedisKeys, createRpcServer, servingContract } from '@ads/ads-client';
import { openRedis } from '@ads/ads-client/service';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { DecisionMaker } from './decision-maker';
import { TrackingSigner } from '../domain/tracking-url';
import { EventTracker } from './event-tracker';
import { CORS_HEADERS, CORS_PREFLIGHT_HEADERS } from '../http/cors';
import { createMetricsServer } from '../http/metrics-route';
import { createServingServer } from '../http/serving-server';
import { IndexLifecycle } from './index-lifecycle';
import { ServingMetrics } from './serving-metrics';
import { EventRecorder, readRollupStatus } from '../store/event-recorder';
import { FrequencyCapCache } from '../store/frequency-cap-cache';
import { LimitReservations } from '../store/limit-reservations';
import { OpportunityRecorder } from '../store/opportunity-recorder';

/** One serving process, wired: its HTTP server and the background work behind it. */
export interface ServingApp {
  server: Server;
  lifecycle: IndexLifecycle;
  tracker: EventTracker;
  decisions: DecisionMaker;
  metrics: ServingMetrics;
  /** Records ad requests for forecasting; undefined when FORECAST_RECORDING is false. */
  opportunities: OpportunityRecorder | undefined;
  /**
   * Listens, then loads the index in the background (with `listenOnceIndexed`: loads the first
   * index, then listens); resolves with the bound port.
   */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** How a serving process runs as a worker of a SERVING_WORKERS cluster (none of it: a single process). */
export interface ServingAppOptions {
  /**
   * Listen only once the first index version is loaded: a worker (re)started beside ready ones
   * then takes no connection it would answer with empty decisions.
   */
  listenOnceIndexed?: boolean;
  /** What `/metrics` answers: the whole cluster's metrics, gathered by the primary. */
  metricsText?: () => Promise<string>;
}

export function createServingApp(config: Config, logger: Logger, options: ServingAppOptions = {}): ServingApp {
  const keys = new RedisKeys(config.redisKeyPrefix);
  // Decisions and beacons must not wait for Redis: the `server` role fails a command at once
  // while Redis is away (the caller serves from memory and buffers events). Reads that wait for
  // a reply time out much sooner than the connection's 2 s (REDIS_READ_TIMEOUT_MS, in
  // LimitReservations). Index announcements wait for the reconnection (`worker`).
  const redis = openRedis('server', { url: config.redisUrl, name: 'serving', logger });
  const subscriber = openRedis('worker', { url: config.redisUrl, name: 'serving-announcements', logger });
  // The metrics read the tracker and the lifecycle, built below with these metrics: only a
  // scrape calls these functions, and nothing is scraped before the server listens.
  const metrics: ServingMetrics = new ServingMetrics({
    bufferSize: () => tracker.bufferSize,
    indexInfo: () => {
      const index = lifecycle.current;
      return index === undefined ? undefined : { version: index.version, ads: index.ads.length, builtAt: index.builtAt };
    },
    redisUp: () => redis.status === 'ready',
    rollupStatus: () => readRollupStatus(redis, keys),
    eventsStreamMaxLen: config.eventsStreamMaxLen,
  });
  if (options.metricsText !== undefined) metrics.exposition = options.metricsText;
  const lifecycle: IndexLifecycle = new IndexLifecycle({
    redis,
    subscriber,
    keys,
    logger,
    metrics,
    indexPollMs: config.indexPollMs,
    pacingRefreshMs: config.pacingRefreshMs,
    retiredAdsMs: config.trackingUrlTtlSeconds * 1000,
  });
  const frequencyCaps = new FrequencyCapCache({ freshMs: config.frequencyCapCacheMs, maxEntries: config.frequencyCapCacheEntries });
  const reservations = new LimitReservations(redis, keys, {
    holdMs: config.frequencyCapHoldMs,
    leaseMs: config.spendLeaseMs,
    shortLeaseMs: config.spendLeaseShortMs,
    timeoutMs: config.redisReadTimeoutMs,
  });
  const opportunities = config.forecastRecording
    ? new OpportunityRecorder({
        redis,
        keys,
        logger,
        metrics,
        sampleSize: config.forecastSampleSize,
        flushMs: config.forecastFlushMs,
      })
    : undefined;
  const signer = new TrackingSigner(config.trackingSecret, config.previousTrackingSecret);
  const decisions = new DecisionMaker({
    lifecycle,
    frequencyCaps,
    reservations,
    leases: lifecycle.leases,
    signer,
    metrics,
    logger,
    explorationRate: config.explorationRate,
    trackingUrlTtlSeconds: config.trackingUrlTtlSeconds,
    opportunities,
    replay: config.forecastReplay,
  });
  const tracker = new EventTracker({
    redis,
    recorder: new EventRecorder(redis, keys, config.eventsStreamMaxLen),
    lifecycle,
    frequencyCaps,
    signer,
    metrics,
    logger,
    bufferSize: config.eventBufferSize,
  });
  const rpc = createRpcServer(
    servingContract,
    { serving: { decide: (input, context) => decisions.decide(input, context) } },
    // The output is built from validated index data; checking it again per call would cost
    // a good share of the hot path's time.
    {
      title: 'ads-serving-rpc',
      version: config.version,
      logger,
      validateOutput: false,
      responseHeaders: CORS_HEADERS,
      preflightHeaders: CORS_PREFLIGHT_HEADERS,
      maxBodyBytes: 64 * 1024,
      docs: {
        needsKey: false,
        authentication:
          'serving.decide needs no key: publisher pages call it through embed.js from any origin (CORS). The tracking URLs in its answer are signed, so the events they count cannot be forged.',
      },
    },
  );
  let leaseRenewal: NodeJS.Timeout | undefined;
  let stopped = false;
  const startLifecycle = () =>
    void lifecycle.start().catch((error: unknown) => logger.error({ err: error }, 'index lifecycle failed to start'));
  const server = createServingServer({
    rpc,
    tracker,
    lifecycle,
    metrics,
    logger,
    metricsToken: config.metricsToken,
    metricsElsewhere: config.metricsPort !== undefined,
  });
  const metricsServer =
    config.metricsPort === undefined ? undefined : createMetricsServer({ metrics, metricsToken: config.metricsToken, logger });
  const app: ServingApp = {
    server,
    lifecycle,
    tracker,
    decisions,
    metrics,
    opportunities,
    async start() {
      if (options.listenOnceIndexed === true) {
        startLifecycle();
        // The first load starts on Redis' first 'ready' or on an announcement: nothing to await.
        while (lifecycle.current === undefined && !stopped) await delay(50);
        if (stopped) return 0;
      }
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      if (metricsServer !== undefined) {
        await new Promise<void>((resolve, reject) => {
          metricsServer.once('error', reject);
          metricsServer.listen(config.metricsPort, config.host, () => resolve());
        });
      }
      decisions.baseUrl = config.publicBaseUrl ?? `http://127.0.0.1:${port}`;
      tracker.start();
      opportunities?.start();
      if (config.forecastReplay)
        logger.warn(
          'FORECAST_REPLAY is on: serving.decide records opportunities at the instant its x-ads-replay-at header names (accuracy replays only, never in production)',
        );
      // Leases in use are renewed before they lapse, twice a pacing refresh ahead.
      leaseRenewal = setInterval(() => void decisions.renewLeases(2 * config.pacingRefreshMs), config.pacingRefreshMs);
      leaseRenewal.unref();
      if (options.listenOnceIndexed !== true) startLifecycle();
      logger.info(
        {
          port,
          host: config.host,
          metricsPort: config.metricsPort,
          metricsToken: config.metricsToken !== undefined,
          baseUrl: decisions.baseUrl,
          prefix: config.redisKeyPrefix,
        },
        'ads-serving-rpc listening',
      );
      return port;
    },
    async stop() {
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      if (metricsServer?.listening === true) {
        await new Promise<void>((resolve) => {
          metricsServer.close(() => resolve());
          metricsServer.closeIdleConnections();
        });
      }
      clearInterval(leaseRenewal);
      lifecycle.stop();
      await tracker.stop();
      await opportunities?.stop();
      if (tracker.bufferSize > 0) logger.warn({ lost: tracker.bufferSize }, 'stopping with buffered events Redis never took');
      redis.disconnect();
      subscriber.disconnect();
    },
  };
  return app;
}
