import { EVENTS_ROLLUP_GROUP } from '@ads/ads-client';

/** The consumer group the roll-up reads the events stream with; one group, shared by every worker. */
export const ROLLUP_CONSUMER_GROUP = EVENTS_ROLLUP_GROUP;

/** Consumers idle this long with nothing pending belong to workers that are gone. */
export const IDLE_CONSUMER_EXPIRY_MS = 24 * 3_600_000;
