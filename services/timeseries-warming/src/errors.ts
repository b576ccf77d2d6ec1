import { COMMON_ERRORS, serviceErrorClass } from '@ads/ads-client/service';

/**
 * The error catalogue of timeseries-warming: every failure the command reports has a stable
 * code and the exit code the process ends with (the platform's table). Tests assert codes, not
 * message text.
 */
export const errorCatalogue = { ...COMMON_ERRORS } as const;

/** The one error class of timeseries-warming: a catalogue code, a precise message, a cause. */
export const WarmingError = serviceErrorClass('WarmingError', errorCatalogue);
export type WarmingError = InstanceType<typeof WarmingError>;
