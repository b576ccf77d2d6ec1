// A batch applied by ads-data-api whose answer never reached the worker, then trimmed from the
// events stream (as serving's MAXLEN cap does) before it is redone: the redo must carry the id
// of the first delivery, so the surviving entries are not added a second time. Real Redis,
// PostgreSQL, ads-data-api and worker processes; the answers are lost by a TCP proxy in front of
// the API that drops the connection when the answer comes back.
import assert from 'node:assert/strict';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { test } from 'node:test';
import { waitFor } from '@ads/test-kit';
import {
  appendTrackingEvents,
  databaseTotals,
  expectedTotals,
  generateTrackingEvents,
  pendingRollupEntries,
  sortedTotals,
  useRollupHarness,
} from './support/import-stack';

const HOUR = 3_600_000;
// A fixed past window the seed does not touch.
const FIRST_HOUR = Date.UTC(2025, 3, 7, 6);
let proxy: AnswerLosingProxy;
const rollup = useRollupHarness('import-rollup-trimmed', {
  started: async (harness) => {
    proxy = await startAnswerLosingProxy(harness.stack.dataApiRpcUrl);
  },
  stopping: async () => {
    await proxy?.close();
  },
});

/** Forwards to the data API; while `losing`, a request gets through and its answer is dropped. */
interface AnswerLosingProxy {
  url: string;
  losing: boolean;
  lost: number;
  close(): Promise<void>;
}

async function startAnswerLosingProxy(target: string): Promise<AnswerLosingProxy> {
  const upstreamUrl = new URL(target);
  const sockets = new Set<Socket>();
  const state = { losing: false, lost: 0 };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(upstreamUrl.port), upstreamUrl.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!state.losing) {
        client.write(chunk);
        return;
      }
      // The API has answered, so it has committed: the worker just never hears of it.
      state.lost += 1;
      client.destroy();
      upstream.destroy();
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}${upstreamUrl.pathname}`,
    get losing() {
      return state.losing;
    },
    set losing(value: boolean) {
      state.losing = value;
    },
    get lost() {
      return state.lost;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Summary {
  alreadyApplied: number;
  deletedWhilePending: number;
  claimedBatches: number;
  events: number;
}

/** Runs a roll-up job whose stats.ingest answers are lost: the job fails, the batch stays pending. */
async function runRollupLosingAnswers(): Promise<void> {
  proxy.losing = true;
  try {
    await assert.rejects(rollup.runJob(), /stats\.ingest of batch .* failed \(UNAVAILABLE\)/);
  } finally {
    proxy.losing = false;
  }
}

async function pendingIds(): Promise<string[]> {
  return (await pendingRollupEntries(rollup.stack.redis, rollup.stack.keys)).map(({ id }) => id);
}

/** Waits until every pending entry has been idle long enough for a worker to claim it. */
async function claimable(): Promise<void> {
  const claimAfterMs = Number(settings.ROLLUP_CLAIM_MIN_IDLE_MS);
  const idle = async () => (await pendingRollupEntries(rollup.stack.redis, rollup.stack.keys)).every(({ idleMs }) => idleMs > claimAfterMs);
  await waitFor(idle, `the pending entries to be idle over ${claimAfterMs} ms`, { timeoutMs: 5_000 });
}

async function countedEvents(adIds: string[], from: number, to: number): Promise<number> {
  const totals = await databaseTotals(rollup.stack.client, adIds, from, to);
  return [...totals.values()].reduce((sum, hour) => sum + hour.impressions + hour.viewableImpressions + hour.clicks, 0);
}

const settings = {
  ROLLUP_CRON: '',
  ROLLUP_BATCH_SIZE: '10',
  ROLLUP_CONSUMERS: '1',
  ROLLUP_CLAIM_MIN_IDLE_MS: '500',
  ROLLUP_TRIM_STREAM: 'false',
};

test('own batch applied, answer lost, trimmed, redone by the same worker: counted once', { timeout: 180_000 }, async () => {
  const { stack } = rollup;
  const ads = stack.ads.slice(0, 3);
  const adIds = ads.map((ad) => ad.adId);
  const events = generateTrackingEvents(ads, 10, { firstHour: FIRST_HOUR, hours: 1, seed: 11 });
  const ids = await appendTrackingEvents(stack.redis, stack.keys, events);
  const worker = await rollup.startWorker({ ...settings, DATA_API_URLS: proxy.url }, 'own-redo-worker');

  await runRollupLosingAnswers();
  assert.ok(proxy.lost >= 1, 'an answer was lost');
  assert.equal(await countedEvents(adIds, FIRST_HOUR, FIRST_HOUR + HOUR), 10, 'the API applied the batch');
  assert.deepEqual(await pendingIds(), ids, 'the worker never heard so, and the batch is pending');

  // Serving's cap trims the three oldest entries, pending or not.
  await stack.redis.call('XTRIM', stack.keys.eventsStream, 'MAXLEN', '7');
  assert.equal(await stack.redis.xlen(stack.keys.eventsStream), 7);

  const summary = await rollup.runJob<Summary>();
  assert.equal(await countedEvents(adIds, FIRST_HOUR, FIRST_HOUR + HOUR), 10, 'the 7 surviving entries were not added again');
  assert.deepEqual(
    sortedTotals(await databaseTotals(stack.client, adIds, FIRST_HOUR, FIRST_HOUR + HOUR)),
    sortedTotals(expectedTotals(events)),
  );
  assert.equal(summary.alreadyApplied, 1, `the redo was recognised as applied (${JSON.stringify(summary)})`);
  assert.equal(summary.deletedWhilePending, 3);
  assert.deepEqual(await pendingIds(), [], 'nothing left pending');
  await worker.process.stop();
});

test(
  'a dead worker’s batch, applied and trimmed, claimed by a worker whose answer is lost too: counted once',
  { timeout: 180_000 },
  async () => {
    const { stack } = rollup;
    const ads = stack.ads.slice(3, 6);
    const adIds = ads.map((ad) => ad.adId);
    const firstHour = FIRST_HOUR + 24 * HOUR;
    const events = generateTrackingEvents(ads, 10, { firstHour, hours: 1, seed: 12 });
    const ids = await appendTrackingEvents(stack.redis, stack.keys, events);

    const doomed = await rollup.startWorker({ ...settings, DATA_API_URLS: proxy.url }, 'doomed-worker');
    await runRollupLosingAnswers();
    await doomed.process.kill();
    assert.equal(await countedEvents(adIds, firstHour, firstHour + HOUR), 10, 'the API applied the batch');
    assert.deepEqual(await pendingIds(), ids, 'pending on the dead consumer');

    // The oldest three go, as serving's cap would take them (XTRIM, like the MAXLEN of XADD).
    await stack.redis.call('XTRIM', stack.keys.eventsStream, 'MINID', ids[3]!);

    // The claimer's own answer is lost as well: it must not have lost the batch's identity meanwhile.
    await rollup.startWorker({ ...settings, DATA_API_URLS: proxy.url }, 'claimer-worker');
    await claimable();
    await runRollupLosingAnswers();
    assert.equal(await countedEvents(adIds, firstHour, firstHour + HOUR), 10, 'the claimer’s redo added nothing');
    assert.deepEqual(await pendingIds(), ids, 'every id of the batch is still pending');

    await claimable();
    const summary = await rollup.runJob<Summary>();
    assert.equal(await countedEvents(adIds, firstHour, firstHour + HOUR), 10, 'the 7 surviving entries were not added again');
    assert.deepEqual(
      sortedTotals(await databaseTotals(stack.client, adIds, firstHour, firstHour + HOUR)),
      sortedTotals(expectedTotals(events)),
    );
    assert.equal(summary.claimedBatches, 1, JSON.stringify(summary));
    assert.equal(summary.alreadyApplied, 1);
    assert.equal(summary.deletedWhilePending, 3);
    assert.deepEqual(await pendingIds(), [], 'nothing left pending');
  },
);
