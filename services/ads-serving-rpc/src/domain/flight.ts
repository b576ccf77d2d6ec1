/** A flight is live from its start (inclusive) to its end (exclusive). */
export function flightIsLive(flightStartMs: number, flightEndMs: number, nowMs: number): boolean {
  return nowMs >= flightStartMs && nowMs < flightEndMs;
}
