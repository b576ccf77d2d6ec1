// Entry point: `node --import tsx src/main.ts` (configuration from the environment, see config.ts).
import { setFlagsFromString } from 'node:v8';
import { loadConfig } from './config';
import { ServingError } from './errors';
import { createLogger } from './logger';
import { createServingApp } from './serving-app';

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(error instanceof ServingError ? 2 : 1);
}
// The index is a large, long-lived heap and decisions churn short-lived garbage: by default V8
// lets the old generation grow to several times the live heap before collecting it, which
// took a 100,000-ad process past 400 MB. A smaller growing factor keeps it near the live size
// for some more GC work. This flag is read at each collection, so setting it now is effective.
if (config.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
const logger = createLogger(config.logLevel);
const app = createServingApp(config, logger);
try {
  await app.start();
} catch (error) {
  logger.fatal({ err: error, port: config.port }, 'cannot start ads-serving-rpc');
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    void app.stop().finally(() => process.exit(0));
  });
}
