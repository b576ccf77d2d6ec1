// Public surface of @ads/ads-serving-rpc (a service: these are exported for its own tests,
// benchmark and tools; other packages reach it over HTTP only).
export { createServingApp } from './app/serving-app';
export type { ServingApp } from './app/serving-app';
export { loadConfig } from './config';
export type { Config } from './config';
export { ServingError, errorCatalogue } from './errors';
export { selectAds } from './domain/ad-selection';
export { buildDecisionIndex } from './domain/decision-index';
export { TrackingSigner } from './domain/tracking-url';
