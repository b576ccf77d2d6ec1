// Entry point: `node --import tsx src/main.ts`, or the bundle dist/main.mjs (configuration from
// the environment, see config.ts).
import cluster from 'node:cluster';
import { setFlagsFromString } from 'node:v8';
import { ServiceError, createLogger, exitCodeOf, serverCommandLine } from '@ads/ads-client/service';
import { createServingApp } from './app/serving-app';
import { ServingCluster, joinServingCluster, servingWorkerOptions } from './app/serving-cluster';
import { environmentHelp, loadConfig, type Config } from './config';

const SERVICE = 'ads-serving-rpc';

// `--help` lists the variables and starts nothing; any argument is a usage error (exit 2).
const commandLineExit = await serverCommandLine({
  argv: process.argv.slice(2),
  service: SERVICE,
  description: 'Answers serving.decide for the embed, takes the tracking beacons and serves embed.js; configured by the environment.',
  variables: environmentHelp,
});
if (commandLineExit !== undefined) process.exit(commandLineExit);

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  // One line a person reads, e.g. `ads-serving-rpc: CONFIG_INVALID: invalid ads-serving-rpc
  // environment: TRACKING_SECRET: ...`, and the exit code of the table (3 for CONFIG_INVALID).
  process.stderr.write(
    error instanceof ServiceError ? `${SERVICE}: ${error.code}: ${error.message}\n` : `${SERVICE}: unexpected failure: ${String(error)}\n`,
  );
  process.exit(exitCodeOf(error));
}
const logger = createLogger({ service: SERVICE, level: config.logLevel, kind: 'server' });
if (config.workers > 1 && cluster.isPrimary) runPrimary(config);
else await runServer(config);

// SERVING_WORKERS > 1: this process only forks and watches the workers (the same file, run by
// node:cluster), which share the port; the primary holds no index.
function runPrimary(config: Config): void {
  const primary = new ServingCluster({ workers: config.workers, logger });
  primary.start();
  onStopSignal(() => primary.stop());
}

// One plain process (SERVING_WORKERS=1) or one worker of the cluster.
async function runServer(config: Config): Promise<void> {
  // The index is a large, long-lived heap and decisions churn short-lived garbage: by default V8
  // lets the old generation grow to several times the live heap before collecting it, which
  // took a 100,000-ad process past 400 MB. A smaller growing factor keeps it near the live size
  // for some more GC work. This flag is read at each collection, so setting it now is effective.
  if (config.heapGrowingPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
  const app = createServingApp(config, logger, cluster.isWorker ? servingWorkerOptions(config.workers) : {});
  // Set before start: a replacement worker waits for its first index before it listens.
  onStopSignal(() => app.stop());
  let port: number;
  try {
    port = await app.start();
  } catch (error) {
    logger.fatal({ err: error, port: config.port }, `cannot start ${SERVICE}`);
    process.exit(exitCodeOf(error));
  }
  if (cluster.isWorker && app.server.listening) joinServingCluster(app, port, logger);
}

function onStopSignal(stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      // A worker drains within 5 s; the primary waits for its workers' own drain (and kills them past it).
      const force = setTimeout(() => process.exit(0), cluster.isPrimary && config.workers > 1 ? 10_000 : 5_000);
      force.unref();
      void stop().finally(() => process.exit(0));
    });
  }
}
