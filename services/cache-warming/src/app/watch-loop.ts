import { isServiceError } from '@ads/ads-client/service';
import type { Logger } from 'pino';

/**
 * Runs a rebuild at start, then after each burst of notices (debounced, but never later than
 * `maxWaitMs` after the first notice of a burst) and at least every `intervalMs` (flights
 * start and end without a notice). Rebuilds never overlap: a notice during a rebuild queues
 * one more. A failed rebuild is retried after `retryMinMs`, doubling up to `retryMaxMs`, until
 * one succeeds: the data API publishes no notices while it is down, so waiting for the next
 * notice or the interval could leave a fresh deployment without an index for minutes.
 */
export class WatchLoop {
  private debounceTimer: NodeJS.Timeout | undefined;
  private burstStartedAt: number | undefined;
  private intervalTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Rebuilds failed in a row since the last success. */
  private failures = 0;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly options: {
      rebuild: (reason: string) => Promise<void>;
      debounceMs: number;
      maxWaitMs: number;
      intervalMs: number;
      logger: Logger;
      /** First wait before retrying a failed rebuild (default 1 s). */
      retryMinMs?: number;
      /** Longest wait between retries (default 30 s). */
      retryMaxMs?: number;
    },
  ) {
    this.retryMinMs = options.retryMinMs ?? 1_000;
    this.retryMaxMs = Math.max(this.retryMinMs, options.retryMaxMs ?? 30_000);
  }

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
    // Whatever starts this rebuild also stands for a pending retry.
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let failed = false;
    this.running = this.options
      .rebuild(reason)
      .then(() => {
        if (this.failures > 0)
          this.options.logger.info(
            { reason, failures: this.failures },
            'rebuild succeeded after failures; back to notices and the interval',
          );
        this.failures = 0;
      })
      .catch((error: unknown) => {
        // The loop lives on: the last good version stays current and a retry is scheduled.
        failed = true;
        this.failures += 1;
        // A failure of a known kind (data API down, token refused) is its code and message; only
        // a bug needs its stack.
        const failure = isServiceError(error) ? { code: error.code, error: error.message } : { err: error };
        this.options.logger.error(
          { ...failure, reason, failures: this.failures, retryInMs: this.again ? 0 : this.retryDelay() },
          'rebuild failed; the current index version stays in place',
        );
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.trigger('changed during the last rebuild');
        } else if (failed && !this.stopped) {
          this.retryTimer = setTimeout(() => this.trigger(`retry ${this.failures} after a failed rebuild`), this.retryDelay());
        }
      });
  }

  private retryDelay(): number {
    return Math.min(this.retryMaxMs, this.retryMinMs * 2 ** Math.min(this.failures - 1, 30));
  }

  /** Stops scheduling and waits for a rebuild in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounceTimer);
    clearInterval(this.intervalTimer);
    clearTimeout(this.retryTimer);
    await this.running;
  }
}
