import { createLogger } from '@ads/ads-client/service';

/** The logger the tests hand to the package's parts: warnings and errors, as JSON on stderr. */
export const testLogger = createLogger({ service: 'ads-data-api', level: 'warn', kind: 'command' });
