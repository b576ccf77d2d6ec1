import { COMMON_ERRORS, serviceErrorClass } from '@ads/ads-client/service';

/**
 * The error catalogue of ads-scoring: every failure the command reports has a stable code and
 * the exit code the process ends with (the platform's table). Tests assert codes, not message text.
 */
export const errorCatalogue = { ...COMMON_ERRORS } as const;

/** The one error class of ads-scoring: a catalogue code, a precise message, a cause. */
export const ScoringError = serviceErrorClass('ScoringError', errorCatalogue);
export type ScoringError = InstanceType<typeof ScoringError>;
