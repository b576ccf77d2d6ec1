import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/** A Redis Cluster of the test's own: real redis-server processes in a temporary folder. */
export interface RedisCluster {
  /** `redis+cluster://127.0.0.1:<port>,…`: the REDIS_URL form the services read. */
  url: string;
  ports: number[];
  dir: string;
  /** Stops every node (SIGTERM, SIGKILL after 5 s) and deletes the folder. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` redis-servers (`--cluster-enabled yes`, no replicas, no persistence) on free
 * loopback ports, joins them with `redis-cli --cluster create … --cluster-yes`, and waits until
 * every node reports `cluster_state:ok`. The cluster bus ports are free ports too (`--cluster-port`).
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let node = 0; node < masters; node += 1) {
      const port = await freePort();
      const busPort = await freePort();
      ports.push(port);
      // Each child gets its own `--dir`: `cluster-config-file` is relative to it.
      const nodeDir = await mkdtemp(join(dir, `node-${port}-`));
      children.push(
        spawn(
          'redis-server',
          [
            ...['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'],
            ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'],
            ...['--dir', nodeDir, '--save', '', '--appendonly', 'no'],
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of ports) await waitFor(() => answers(port), `redis-server (cluster node) on ${port}`, { timeoutMs: 10_000 });
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
    });
    for (const port of ports) await waitFor(() => clusterOk(port), `cluster_state:ok on ${port}`, { timeoutMs: 30_000 });
    return { url: `redis+cluster://${nodes.join(',')}`, ports, dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function withNode<T>(port: number, use: (redis: Redis) => Promise<T>, otherwise: T): Promise<T> {
  const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } catch {
    return otherwise;
  } finally {
    redis.disconnect();
  }
}

const answers = (port: number) => withNode(port, async (redis) => (await redis.ping()) === 'PONG', false);
const clusterOk = (port: number) =>
  withNode(port, async (redis) => String(await redis.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), false);
