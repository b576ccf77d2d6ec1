import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';
import type { ServingApp, ServingAppOptions } from './serving-app';

// Messages between the primary and its workers (beside prom-client's own).
const READY = 'ads-serving:ready';
const METRICS_REQUEST = 'ads-serving:metrics-request';
const METRICS_ANSWER = 'ads-serving:metrics';
const REGISTRY_REQUEST = 'ads-serving:registry-request';
const REGISTRY_ANSWER = 'ads-serving:registry';

/** The header naming the worker process that answered (under SERVING_WORKERS > 1). */
export const SERVING_WORKER_HEADER = 'x-serving-worker';

// A worker that dies is forked again after 0.5 s, doubling on each death in a row up to 30 s; one
// that lived a minute resets the count.
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const STABLE_AFTER_MS = 60_000;
// The workers' own SIGTERM handling drains within 5 s (main.ts); past this, they are killed.
const STOP_GRACE_MS = 8_000;
// A scrape gathers the workers that answer within this; one that does not is left out of it.
const GATHER_TIMEOUT_MS = 2_000;

type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];
type ClusterMessage =
  | { type: typeof READY; port: number }
  | { type: typeof METRICS_REQUEST; id: string }
  | { type: typeof METRICS_ANSWER; id: string; text?: string; error?: string }
  | { type: typeof REGISTRY_REQUEST; id: string }
  | { type: typeof REGISTRY_ANSWER; id: string; metrics: WorkerMetrics };

function isClusterMessage(message: unknown): message is ClusterMessage {
  return typeof message === 'object' && message !== null && String((message as { type?: unknown }).type).startsWith('ads-serving:');
}

/**
 * The primary of a SERVING_WORKERS cluster: forks the workers (each loads its own copy of the
 * index and serves the shared port), forks a dead one again with a backoff, gathers the
 * workers' metrics for `/metrics`, and drains them all on stop.
 */
export class ServingCluster {
  private readonly startedAt = new Map<number, number>();
  /** Workers that are listening (they said so): the ones a scrape gathers. */
  private readonly joined = new Map<number, Worker>();
  private readonly gathering = new Map<string, (metrics: WorkerMetrics) => void>();
  private deathsInARow = 0;
  private stopping = false;
  private readonly restarts = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: { workers: number; logger: Logger }) {}

  start(): void {
    cluster.on('message', (worker, message: unknown) => {
      if (!isClusterMessage(message)) return;
      if (message.type === READY) {
        this.joined.set(worker.id, worker);
        this.deps.logger.info({ workerPid: worker.process.pid, port: message.port }, 'serving worker ready');
      } else if (message.type === METRICS_REQUEST) void this.answerMetrics(worker, message.id);
      else if (message.type === REGISTRY_ANSWER) this.gathering.get(`${worker.id}:${message.id}`)?.(message.metrics);
    });
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
    for (let index = 0; index < this.deps.workers; index++) this.fork();
    this.deps.logger.info({ workers: this.deps.workers, pid: process.pid }, 'serving primary started');
  }

  /** SIGTERM to every worker (each drains as a single process does); resolves when all have exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.restarts) clearTimeout(timer);
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    const exits = workers.map(
      (worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once('exit', () => resolve()))),
    );
    for (const worker of workers) worker.process.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await Promise.all(exits);
    clearTimeout(force);
  }

  private fork(): void {
    const worker = cluster.fork();
    this.startedAt.set(worker.id, Date.now());
  }

  private onExit(worker: Worker, code: number, signal: string | null): void {
    const lived = Date.now() - (this.startedAt.get(worker.id) ?? Date.now());
    this.startedAt.delete(worker.id);
    this.joined.delete(worker.id);
    if (this.stopping) return;
    this.deathsInARow = lived >= STABLE_AFTER_MS ? 1 : this.deathsInARow + 1;
    const backoffMs = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (this.deathsInARow - 1));
    this.deps.logger.error(
      { workerPid: worker.process.pid, code, signal, livedMs: lived, backoffMs },
      'serving worker died; forking another',
    );
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      if (!this.stopping) this.fork();
    }, backoffMs);
    this.restarts.add(timer);
  }

  private async answerMetrics(worker: Worker, id: string): Promise<void> {
    let answer: ClusterMessage;
    try {
      answer = { type: METRICS_ANSWER, id, text: await this.gatherMetrics() };
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'cannot gather the workers metrics');
      answer = { type: METRICS_ANSWER, id, error: String(error) };
    }
    if (worker.isConnected()) worker.send(answer);
  }

  // prom-client's AggregatorRegistry.clusterMetrics() asks every forked worker, and one still
  // loading its modules never answers (the scrape then fails after 5 s): only joined workers are asked.
  private async gatherMetrics(): Promise<string> {
    const id = randomUUID();
    const answers = await Promise.all(
      [...this.joined.values()].map(
        (worker) =>
          new Promise<WorkerMetrics | undefined>((resolve) => {
            const key = `${worker.id}:${id}`;
            const timer = setTimeout(() => settle(undefined), GATHER_TIMEOUT_MS);
            const settle = (metrics: WorkerMetrics | undefined) => {
              clearTimeout(timer);
              this.gathering.delete(key);
              resolve(metrics);
            };
            this.gathering.set(key, settle);
            if (worker.isConnected()) worker.send({ type: REGISTRY_REQUEST, id } satisfies ClusterMessage);
            else settle(undefined);
          }),
      ),
    );
    const gathered = answers.filter((metrics): metrics is WorkerMetrics => metrics !== undefined);
    if (gathered.length < answers.length)
      this.deps.logger.warn({ asked: answers.length, answered: gathered.length }, 'a worker did not send its metrics');
    return AggregatorRegistry.aggregate(gathered).metrics();
  }
}

/**
 * What a cluster worker's app needs: `/metrics` answers the whole cluster's metrics (asked of the
 * primary, which asks every worker). The first `workers` listen at once, as a single process does
 * (`/healthz` answers, `/readyz` is 503 until an index is loaded); a worker forked to replace a
 * dead one listens only once it has loaded its index, so it takes no connection from its siblings
 * that it would answer with empty decisions.
 */
export function servingWorkerOptions(workers: number): ServingAppOptions {
  const pending = new Map<string, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on('message', (message: unknown) => {
    if (!isClusterMessage(message) || message.type !== METRICS_ANSWER) return;
    const request = pending.get(message.id);
    pending.delete(message.id);
    if (message.text !== undefined) request?.resolve(message.text);
    else request?.reject(new Error(`the primary could not gather the metrics: ${message.error ?? 'no answer'}`));
  });
  return {
    // node:cluster numbers workers from 1 in the order they are forked.
    listenOnceIndexed: cluster.worker!.id > workers,
    metricsText: () =>
      new Promise<string>((resolve, reject) => {
        const id = randomUUID();
        pending.set(id, { resolve, reject });
        process.send!({ type: METRICS_REQUEST, id } satisfies ClusterMessage);
      }),
  };
}

/**
 * Joins a started worker app to the cluster: its registry answers the primary's metrics requests,
 * each response names its worker, and the primary hears that it is ready.
 */
export function joinServingCluster(app: ServingApp, port: number, logger: Logger): void {
  const registry: Registry = app.metrics.registry;
  process.on('message', (message: unknown) => {
    if (!isClusterMessage(message) || message.type !== REGISTRY_REQUEST) return;
    registry
      .getMetricsAsJSON()
      .then((metrics) => process.send!({ type: REGISTRY_ANSWER, id: message.id, metrics: metrics } satisfies ClusterMessage))
      // The primary leaves this worker out of the scrape after its timeout.
      .catch((error: unknown) => logger.error({ err: error }, 'cannot read this worker metrics for the primary'));
  });
  const pid = String(process.pid);
  app.server.prependListener('request', (_request, response) => response.setHeader(SERVING_WORKER_HEADER, pid));
  process.send!({ type: READY, port } satisfies ClusterMessage);
}
