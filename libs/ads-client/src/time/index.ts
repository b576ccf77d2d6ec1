// Entry point @ads/ads-client/time: the time helpers alone (pure Intl code, no Node module),
// for browser bundles such as the ads-data-api dashboard, which must not pull in the client's
// index (express, undici, ioredis). The main index exports the same functions.
export { localDay, utcHoursOfLocalDay } from './local-day.js';
export { localWallClock } from './local-wall-clock.js';
export type { LocalWallClock } from './local-wall-clock.js';
