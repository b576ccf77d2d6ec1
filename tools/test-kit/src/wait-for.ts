/** Something whose output explains a failed wait, and whose exit ends it early. */
export interface Watched {
  name: string;
  output(): string;
  /** True once the process has exited: waiting on it any longer is pointless. */
  hasExited(): boolean;
}

export interface WaitOptions {
  /** How long the condition may take before the wait fails (default 20 s). */
  timeoutMs?: number;
  /** Pause between two checks (default 50 ms). */
  intervalMs?: number;
  /** A process whose output goes into the failure message and whose exit fails the wait at once. */
  watch?: Watched;
}

/** The wait ran out of time, or the watched process exited first; `message` names what was awaited. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
  readonly code = 'WAIT_TIMEOUT';
}

/**
 * Polls `check` until it returns true. A check that throws counts as "not yet" (a server not
 * listening yet, a key not written yet). Fails naming `what` when `timeoutMs` passes or the
 * watched process exits, with that process's output.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 20_000, intervalMs = 50, watch } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    const detail = `${lastError === undefined ? '' : ` (last check threw: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})`}${watch === undefined ? '' : `:\n${watch.output()}`}`;
    if (watch?.hasExited()) throw new WaitTimeoutError(`${watch.name} exited while waiting for ${what}${detail}`);
    if (Date.now() > deadline) throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls `url` until it answers with a status below 500 (or `accept` says yes). */
export async function waitForHttp(url: string, options: WaitOptions & { accept?: (status: number) => boolean } = {}): Promise<void> {
  const accept = options.accept ?? ((status: number) => status < 500);
  await waitFor(async () => accept((await fetch(url, { signal: AbortSignal.timeout(1_000) })).status), `${url} to answer`, options);
}
