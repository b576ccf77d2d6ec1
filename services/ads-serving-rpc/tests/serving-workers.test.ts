// SERVING_WORKERS=2: one port served by two worker processes (node:cluster). Both answer decide,
// the primary sums their metrics, a killed worker is forked again while requests keep being
// answered, and SIGTERM to the primary stops every process.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { RedisKeys, ServingIndexStore, type DecisionResponse } from '@ads/ads-client';
import { useTestRedis, waitFor } from '@ads/test-kit';
import { SERVING_WORKER_HEADER } from '../src/app/serving-cluster';
import { fixtureCampaign, fixtureIndex, publishFixtureIndex } from './support/serving-index-fixture';
import { freePort, startServingProcess } from './support/serving-process';

const { redis, prefix } = useTestRedis();

interface Answer {
  status: number;
  worker: number;
  body: string;
}

// A new connection per request (no keep-alive): the primary deals connections to its workers in turn.
function get(port: number, method: 'GET' | 'POST', path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, method, path, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, worker: Number(response.headers[SERVING_WORKER_HEADER]), body: text }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function decide(port: number, placementKey: string): Promise<Answer> {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'serving.decide',
    params: { placements: [{ divName: 'slot', placementKey }] },
  });
  return get(port, 'POST', '/rpc', body);
}

// Signal 0 only checks that the process exists.
const alive = (pid: number): boolean => {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
};

test('two workers answer decide on one port; a killed worker is forked again while decisions go on; SIGTERM stops all', async () => {
  const index = fixtureIndex({ version: 'workers-1', campaigns: [fixtureCampaign({ id: 'clustered', bidType: 'CPM', bidAmount: 100 })] });
  const store = new ServingIndexStore(redis, new RedisKeys(prefix));
  await publishFixtureIndex(store, index);
  const placementKey = index.placements[0]!.key;

  const port = await freePort();
  const serving = startServingProcess({ PORT: String(port), REDIS_KEY_PREFIX: prefix, SERVING_WORKERS: '2' });
  try {
    // The first workers listen at once and decide empty until their index is loaded.
    const seen = new Set<number>();
    await waitFor(
      async () => {
        const answer = await decide(port, placementKey).catch(() => undefined);
        if (answer === undefined) return false;
        assert.equal(answer.status, 200, answer.body);
        const { result } = JSON.parse(answer.body) as { result: DecisionResponse };
        if (result.decisions.slot === undefined || result.decisions.slot.length === 0) return false;
        assert.deepEqual(
          result.decisions.slot.map((ad) => ad.campaignId),
          ['clustered'],
          'every worker decides from its own copy of the index',
        );
        seen.add(answer.worker);
        return seen.size === 2;
      },
      'decisions answered by two different worker pids on one port',
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    assert.ok(![...seen].includes(serving.child.pid!), 'the primary forks, the workers answer');
    for (const pid of seen) assert.ok(Number.isInteger(pid) && pid > 0);

    // The primary gathers both workers' registries: counters add up, the index is not counted twice.
    const decisionsTotal = async () => {
      const metrics = await get(port, 'GET', '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.body, /^ads_serving_index_ads\{version="workers-1"\} 1$/m);
      return Number(/^ads_serving_decisions_total (\d+)$/m.exec(metrics.body)?.[1]);
    };
    const before = await decisionsTotal();
    const answeredBy = new Set<number>();
    for (let count = 0; count < 10; count++) answeredBy.add((await decide(port, placementKey)).worker);
    assert.equal(answeredBy.size, 2, 'ten new connections are dealt to both workers');
    assert.equal((await decisionsTotal()) - before, 10);

    // Kill one worker as a crash would: the other goes on answering, and a new pid comes up; the
    // new one takes connections only once it has its index (so no decision comes back empty).
    const [victim, survivor] = [...seen] as [number, number];
    process.kill(victim, 'SIGKILL');
    await waitFor(() => !alive(victim), 'the killed worker to be gone');
    await serving.waitForOutput(
      (stdout) => stdout.split('\n').some((line) => line.includes('serving worker died') && line.includes(`"workerPid":${victim}`)),
      'the primary to log the dead worker by its pid',
    );
    const after = new Set<number>();
    await waitFor(
      async () => {
        const answer = await decide(port, placementKey);
        assert.equal(answer.status, 200, `a decision failed while a worker was down: ${answer.body}`);
        const { result } = JSON.parse(answer.body) as { result: DecisionResponse };
        assert.deepEqual(
          result.decisions.slot?.map((ad) => ad.campaignId),
          ['clustered'],
          `worker ${answer.worker} answered before its index was loaded`,
        );
        after.add(answer.worker);
        return [...after].some((pid) => pid !== survivor && pid !== victim);
      },
      'a new worker pid answering beside the survivor',
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    assert.ok(!after.has(victim));
    const workers = [...after];

    assert.equal(await serving.stop(15_000), 0, serving.output());
    for (const pid of workers) await waitFor(() => !alive(pid), `worker ${pid} to stop with the primary`);
  } finally {
    if (serving.child.exitCode === null) await serving.kill();
  }
});
