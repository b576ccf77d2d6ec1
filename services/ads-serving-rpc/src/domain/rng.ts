// The seeded generator and the string hash are shared with other packages through libs/ads-client.
export { seededRng, type Rng } from '@ads/ads-client';
/** 32-bit FNV-1a of a string: a cheap, stable bucket for percentage roll-outs. */
export { stringHash as stableHash } from '@ads/ads-client';
