// The seeded generator is shared with other packages' tests through libs/ads-client.
export { seededRng, type Rng } from '@ads/ads-client';

/** 32-bit FNV-1a of a string: a cheap, stable bucket for percentage roll-outs. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < text.length; at += 1) {
    hash ^= text.charCodeAt(at);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
