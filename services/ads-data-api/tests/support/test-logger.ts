import { createLogger } from '@ads/ads-client/service';

/**
 * The logger the tests hand to the package's parts: errors only, as JSON on stderr (the tests
 * refuse requests on purpose, and a refused request is a warning line).
 */
export const testLogger = createLogger({ service: 'ads-data-api', level: 'error', kind: 'command' });
