import type { Logger } from 'pino';

/**
 * Runs a rebuild at start, then after each burst of notices (debounced, but never later than
 * `maxWaitMs` after the first notice of a burst) and at least every `intervalMs` (flights
 * start and end without a notice). Rebuilds never overlap: a notice during a rebuild queues
 * one more.
 */
export class WatchLoop {
  private debounceTimer: NodeJS.Timeout | undefined;
  private burstStartedAt: number | undefined;
  private intervalTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly options: {
      rebuild: (reason: string) => Promise<void>;
      debounceMs: number;
      maxWaitMs: number;
      intervalMs: number;
      logger: Logger;
    },
  ) {}

  start(): void {
    this.trigger('start');
    this.intervalTimer = setInterval(() => this.trigger('interval'), this.options.intervalMs);
  }

  /** An inventory-changed notice arrived. */
  notify(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.burstStartedAt ??= now;
    clearTimeout(this.debounceTimer);
    const wait = Math.max(0, Math.min(this.options.debounceMs, this.burstStartedAt + this.options.maxWaitMs - now));
    this.debounceTimer = setTimeout(() => {
      this.burstStartedAt = undefined;
      this.trigger('inventory changed');
    }, wait);
  }

  private trigger(reason: string): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.options
      .rebuild(reason)
      .catch((error: unknown) => {
        // The loop lives on: the last good version stays current and the next notice retries.
        this.options.logger.error({ err: error, reason }, 'rebuild failed; the current index version stays in place');
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.trigger('changed during the last rebuild');
        }
      });
  }

  /** Stops scheduling and waits for a rebuild in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounceTimer);
    clearInterval(this.intervalTimer);
    await this.running;
  }
}
