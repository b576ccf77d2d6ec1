import { COMMON_ERRORS, serviceErrorClass } from '@ads/ads-client/service';

/**
 * The error catalogue of cache-warming: a stable code per failure, the exit code the command
 * ends with (the platform's table), and a summary. Tests assert codes, not message text.
 */
export const errorCatalogue = {
  ...COMMON_ERRORS,
  SNAPSHOT_INCOMPLETE: { exit: 'dataInvalid', summary: 'the snapshot had no first page with placements' },
  INDEX_WRITE_FAILED: { exit: 'partial', summary: 'Redis answered but the index version could not be written or published' },
  NO_PREVIOUS_VERSION: { exit: 'refused', summary: 'rollback: there is no previous index version to go back to' },
} as const;

/** The one error class of cache-warming: a catalogue code, a precise message, a cause. */
export const CacheWarmingError = serviceErrorClass('CacheWarmingError', errorCatalogue);
export type CacheWarmingError = InstanceType<typeof CacheWarmingError>;
