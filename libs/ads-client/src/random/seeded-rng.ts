/** A source of uniform numbers in [0, 1), like Math.random. */
export type Rng = () => number;

/**
 * A small seeded generator (mulberry32): serving replays a decision's lottery from its seed
 * after a frequency-cap read, and tests and benchmarks use it so a failure can be replayed.
 * Not for secrets.
 */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
