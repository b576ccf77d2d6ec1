// Beacon benchmark: impression and click beacons against one serving process (the production
// build, as `npm start` runs it) on a private redis-server, beside a bare node:http
// hello-world in the same run. Every request is a new event, as in production: each wrk run
// gets its own distinct tokens, signed here with the serving process's secret for ads of the
// synthetic inventory it serves (wrk sends each path once, in order: bench-kit's runWrkPaths).
//
//   closed loop (wrk 1 thread, as fast as it goes): requests/s, p50, p99, vs hello-world
//   paced (a per-connection delay, about half the impression throughput): p50, p99
//   CPU per counted impression: serving's and redis-server's user + system time from /proc over
//     the measured impression runs (closed loop) and the paced run, divided by the beacons
//     accepted: the figure a loaded machine disturbs least
//   Redis commands per counted event: INFO commandstats deltas over the measured impression
//     runs (the private Redis serves only this process, so serving's background reads are in
//     the figure too; their rate while idle is printed beside it)
//   the check: every beacon sent is sent once more at the end (a replay answer: it was
//     accepted, or refused by a delivery limit, whose first answers wrk counted and the check
//     takes out; accepted now: wrk stopped with it in flight), and the events stream must hold
//     exactly that many events: nothing twice, nothing lost. SAME, or DIFFERENT and exit code 1.
//
// Budgets (issue 15): impression beacons >= 30% of hello-world; p99 <= 10 ms at half load.
// BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (32), BENCH_BEACONS (paths per run, 120,000);
// BENCH_SERVING_ENTRY (dist/main.mjs): the build to run, e.g. a copy of an earlier one to compare.
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { RedisKeys, ServingIndexStore, type TrackingEventType } from '@ads/ads-client';
import { ensureWrk, runWrkPaths, type WrkPathsResult } from '@ads/bench-kit';
import { Redis } from 'ioredis';
import { TrackingSigner, type TrackingClaims } from '../src/domain/tracking-url';
import { cpuMs } from './process-cpu';
import { syntheticInventory } from './synthetic-inventory';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BEACONS_PER_RUN = Number(process.env.BENCH_BEACONS ?? 120_000);
const SERVING_ENTRY = process.env.BENCH_SERVING_ENTRY ?? 'dist/main.mjs';
const SERVING_NODE_FLAGS = (process.env.SERVING_NODE_FLAGS ?? '--max-semi-space-size=8').split(' ').filter((flag) => flag !== '');
const serviceDir = new URL('..', import.meta.url).pathname;
const EVENT_CODES: Record<TrackingEventType, string> = { impression: 'i', viewable: 'v', click: 'c' };
const ACCEPTED = /^(204|302) (counted|buffered)$/;
/**
 * Valid beacons a delivery limit refused (a click past the budget still lands: 302): not
 * counted, but their replay marker is set, so that a replay of one is refused as a duplicate
 * like a replay of a counted beacon.
 */
const LIMITED = /^(204|302) (over-budget|over-cap)$/;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const stats = new Map<string, number>();
  for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats.set(match[1]!, Number(match[2]));
  return stats;
}

function delta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const result = new Map<string, number>();
  for (const [name, calls] of after) if (calls - (before.get(name) ?? 0) > 0) result.set(name, calls - (before.get(name) ?? 0));
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const total = (stats: Map<string, number>) => [...stats.values()].reduce((sum, calls) => sum + calls, 0);

ensureWrk();
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: serviceDir, stdio: 'inherit' });
const children: ChildProcess[] = [];
const redisPort = await freePort();
const redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
  stdio: 'ignore',
});
children.push(redisServer);
const redis = new Redis({ host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: 2, lazyConnect: true });
// Refused connections while redis-server starts are expected: waitUntil retries them.
redis.on('error', () => {});
const prefix = `bench:beacons:${randomUUID()}:`;
const keys = new RedisKeys(prefix);
try {
  await waitUntil('the private redis-server answering', async () => {
    if (redis.status === 'wait') await redis.connect();
    return (await redis.ping()) === 'PONG';
  });
  const parts = syntheticInventory(100, 'beacon-bench');
  const store = new ServingIndexStore(redis, keys);
  await store.write(parts);
  await store.publish(parts.version);

  const helloPort = await freePort();
  const hello = fork(new URL('./hello-server.ts', import.meta.url).pathname, [String(helloPort)], {
    execArgv: ['--conditions=@ads/source', '--import', 'tsx'],
    stdio: 'inherit',
  });
  children.push(hello);
  await once(hello, 'message');

  const secret = randomUUID() + randomUUID();
  const servingPort = await freePort();
  const serving = spawn(process.execPath, [...SERVING_NODE_FLAGS, '--enable-source-maps', SERVING_ENTRY], {
    cwd: serviceDir,
    env: {
      ...process.env,
      PORT: String(servingPort),
      HOST: '127.0.0.1',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_KEY_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // One process: the budgets are per process (bench:workers compares 1 and 2 workers).
      SERVING_WORKERS: '1',
      TRACKING_SECRET: secret,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(serving);
  const servingUrl = `http://127.0.0.1:${servingPort}`;
  await waitUntil('serving ready', async () => (await fetch(`${servingUrl}/readyz`)).status === 200, 120_000);

  // Distinct events: a decision id per run and beacon, a user per beacon, ads of the index in turn.
  const signer = new TrackingSigner(secret);
  const ads = parts.campaigns.flatMap((campaign) => campaign.ads.map((ad) => ({ campaign, ad })));
  const placementKey = parts.placements[0]!.key;
  let runs = 0;
  const pathsFor = (event: TrackingEventType): string[] => {
    runs += 1;
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    return Array.from({ length: BEACONS_PER_RUN }, (_, at) => {
      const { campaign, ad } = ads[at % ads.length]!;
      const cpc = campaign.bidType === 'CPC';
      const claims: TrackingClaims = {
        decisionId: `bench${runs.toString(36)}x${at.toString(36)}`,
        adId: ad.id,
        campaignId: campaign.id,
        advertiserId: campaign.advertiserId,
        placementKey,
        userKey: `user${runs.toString(36)}x${at.toString(36)}`,
        // Prices of the order of the synthetic bids; the budgets (a billion) leave room for all.
        impressionSpendMicros: cpc ? 0 : 2_000,
        clickSpendMicros: cpc ? 100_000 : 0,
        expiresAt,
      };
      return `/t/${signer.token(claims)}/${EVENT_CODES[event]}`;
    });
  };

  const refused: Record<string, number> = {};
  /** First sends a delivery limit refused (over-budget, over-cap): their replays answer "duplicate" though nothing was counted. */
  let limitedFirst = 0;
  let unreadInLimitedRuns = 0;
  /** Every path a run sent, for the check at the end. */
  const sentPaths: string[] = [];
  const settle = (paths: string[], result: WrkPathsResult): void => {
    if (result.sent > paths.length)
      throw new Error(`wrk sent ${result.sent} requests, more than the ${paths.length} paths: raise BENCH_BEACONS`);
    let answered = 0;
    let limited = 0;
    for (const [outcome, count] of Object.entries(result.outcomes)) {
      answered += count;
      if (!ACCEPTED.test(outcome)) refused[outcome] = (refused[outcome] ?? 0) + count;
      if (LIMITED.test(outcome)) limited += count;
    }
    limitedFirst += limited;
    // Beacons in flight when wrk stopped: the server answered them, wrk did not read it. In a
    // run where a limit refused beacons, such a beacon may have been refused too, and its
    // replay then answers "duplicate" with nothing counted: the check cannot tell.
    if (limited > 0) unreadInLimitedRuns += result.sent - answered;
    sentPaths.push(...paths.slice(0, result.sent));
  };
  /**
   * The check: every path sent is sent once more. A replay answer means the first was
   * accepted or refused by a delivery limit (both set the replay marker): the first sends a
   * limit refused are known from wrk's answers and taken out. An accepted answer now means
   * wrk's run stopped before the server saw it (its last requests in flight); a limit's
   * refusal now is such a beacon refused, and counts for nothing. The events stream must then
   * hold exactly replays − limited first sends + accepted now: a beacon counted twice would
   * be one too many, an accepted one lost one too few.
   */
  // A keep-alive socket the server closes as a request goes out fails that fetch: send it again.
  // Safe for the check: a beacon is counted once however often it is sent (the sum of
  // "accepted before" and "accepted now" is what is compared).
  const fetchAgainOnReset = async (url: string, attempts = 3): Promise<Response> => {
    try {
      const answer = await fetch(url, { redirect: 'manual' });
      await answer.clone().arrayBuffer();
      return answer;
    } catch (error) {
      if (attempts <= 1) throw error;
      return fetchAgainOnReset(url, attempts - 1);
    }
  };
  const replayAll = async (): Promise<{ before: number; now: number; limitedNow: number; other: Record<string, number> }> => {
    const tally = { before: 0, now: 0, limitedNow: 0, other: {} as Record<string, number> };
    let next = 0;
    const worker = async () => {
      while (next < sentPaths.length) {
        const path = sentPaths[next++]!;
        const answer = await fetchAgainOnReset(`${servingUrl}${path}`);
        const outcome = `${answer.status} ${answer.headers.get('x-ads-event') ?? '-'}`;
        if (answer.headers.get('x-ads-event') === 'duplicate') tally.before += 1;
        else if (ACCEPTED.test(outcome)) tally.now += 1;
        else if (LIMITED.test(outcome)) tally.limitedNow += 1;
        else tally.other[outcome] = (tally.other[outcome] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    return tally;
  };
  const beacons = (event: TrackingEventType, seconds: number, delayMs?: number): WrkPathsResult => {
    const paths = pathsFor(event);
    const result = runWrkPaths({
      baseUrl: servingUrl,
      paths,
      seconds,
      connections: delayMs === undefined ? CONNECTIONS : 16,
      outcomeHeader: 'x-ads-event',
      ...(delayMs === undefined ? {} : { delayMs }),
    });
    settle(paths, result);
    return result;
  };
  const helloPaths = pathsFor('impression');
  const helloWorld = (seconds: number) =>
    runWrkPaths({
      baseUrl: `http://127.0.0.1:${helloPort}`,
      paths: helloPaths,
      seconds,
      connections: CONNECTIONS,
      outcomeHeader: 'x-ads-event',
    });

  const idleBefore = await commandStats(redis);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const idlePerSecond = total(delta(idleBefore, await commandStats(redis))) / 3;

  // Warm-up, then interleaved rounds so that load from elsewhere on the machine hits each case alike.
  helloWorld(1);
  beacons('impression', 1);
  beacons('click', 1);
  const samples = { hello: [] as WrkPathsResult[], impression: [] as WrkPathsResult[], click: [] as WrkPathsResult[] };
  const impressionCommands = new Map<string, number>();
  let impressionEvents = 0;
  const accepted = (result: WrkPathsResult) =>
    Object.entries(result.outcomes)
      .filter(([outcome]) => ACCEPTED.test(outcome))
      .reduce((sum, [, count]) => sum + count, 0);
  /** CPU ms of serving and redis-server so far. */
  const cpuNow = () => ({ serving: cpuMs(serving.pid!), redis: cpuMs(redisServer.pid!) });
  const impressionCpuMs = { serving: 0, redis: 0 };
  for (let round = 0; round < ROUNDS; round += 1) {
    samples.hello.push(helloWorld(SECONDS));
    const before = await commandStats(redis);
    const cpuBefore = cpuNow();
    samples.impression.push(beacons('impression', SECONDS));
    const cpuAfter = cpuNow();
    impressionCpuMs.serving += cpuAfter.serving - cpuBefore.serving;
    impressionCpuMs.redis += cpuAfter.redis - cpuBefore.redis;
    for (const [name, calls] of delta(before, await commandStats(redis)))
      impressionCommands.set(name, (impressionCommands.get(name) ?? 0) + calls);
    impressionEvents += accepted(samples.impression.at(-1)!);
    samples.click.push(beacons('click', SECONDS));
    console.error(
      `round ${round + 1}: hello ${Math.round(samples.hello.at(-1)!.requestsPerSecond)}, impressions ${Math.round(samples.impression.at(-1)!.requestsPerSecond)}, clicks ${Math.round(samples.click.at(-1)!.requestsPerSecond)} req/s`,
    );
  }
  const summary = (results: WrkPathsResult[]) => ({
    requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
    p50Ms: median(results.map((result) => result.p50Ms)),
    p99Ms: median(results.map((result) => result.p99Ms)),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  });
  const closed = { hello: summary(samples.hello), impression: summary(samples.impression), click: summary(samples.click) };
  const halfLoad = Math.round(closed.impression.requestsPerSecond / 2);
  const pacedCpuBefore = cpuNow();
  const paced = beacons('impression', SECONDS, (16 * 1000) / halfLoad);
  const pacedCpuAfter = cpuNow();
  const pacedEvents = Math.max(1, accepted(paced));
  const pacedCpuUs = {
    serving: ((pacedCpuAfter.serving - pacedCpuBefore.serving) * 1000) / pacedEvents,
    redis: ((pacedCpuAfter.redis - pacedCpuBefore.redis) * 1000) / pacedEvents,
  };

  const replay = await replayAll();
  // Replays of the beacons a limit refused at their first send are no evidence of a count.
  const acceptedBefore = replay.before - limitedFirst;
  const acceptedTotal = acceptedBefore + replay.now;
  // Buffered events (Redis slower than the tracker's 300 ms) reach the stream when flushed.
  const streamLength = async () => redis.xlen(keys.eventsStream);
  await waitUntil('the events stream to hold every accepted beacon', async () => (await streamLength()) >= acceptedTotal, 15_000).catch(
    () => {},
  );
  const inStream = await streamLength();

  console.log(
    `\nbeacon benchmark: wrk 1 thread, ${CONNECTIONS} connections, ${SECONDS}s per case, median of ${ROUNDS} interleaved rounds; node ${process.version}`,
  );
  console.log(
    `one serving process (node ${SERVING_NODE_FLAGS.join(' ')} ${SERVING_ENTRY}, 100 ads) on a private redis-server; every request a new event (distinct signed tokens)\n`,
  );
  console.log('| case | requests/s | p50 ms | p99 ms | vs node:http | errors |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [label, result] of [
    ['node:http hello-world', closed.hello],
    ['impression beacons (/t/<token>/i, 204)', closed.impression],
    ['click beacons (/t/<token>/c, 302)', closed.click],
  ] as const) {
    console.log(
      `| ${label} | ${Math.round(result.requestsPerSecond)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} | ${((result.requestsPerSecond / closed.hello.requestsPerSecond) * 100).toFixed(0)}% | ${result.errors} |`,
    );
  }
  console.log(
    `\npaced impressions at about ${halfLoad}/s (half the closed-loop rate), 16 connections: achieved ${Math.round(paced.requestsPerSecond)}/s, p50 ${paced.p50Ms.toFixed(2)} ms, p99 ${paced.p99Ms.toFixed(2)} ms`,
  );
  const perImpression = (ms: number) => ((ms * 1000) / Math.max(1, impressionEvents)).toFixed(1);
  console.log(
    `CPU per counted impression (/proc user + system): closed loop serving ${perImpression(impressionCpuMs.serving)} µs, redis-server ${perImpression(impressionCpuMs.redis)} µs; paced serving ${pacedCpuUs.serving.toFixed(1)} µs, redis-server ${pacedCpuUs.redis.toFixed(1)} µs`,
  );
  const byCommand = [...impressionCommands.entries()]
    .sort((left, right) => right[1] - left[1])
    .map(([name, calls]) => `${name} ${(calls / Math.max(1, impressionEvents)).toFixed(3)}`)
    .join(', ');
  console.log(
    `Redis commands per counted impression: ${(total(impressionCommands) / Math.max(1, impressionEvents)).toFixed(3)} (${byCommand}); idle background: ${idlePerSecond.toFixed(1)} commands/s`,
  );
  console.log(`answers other than accepted during the runs: ${Object.keys(refused).length === 0 ? 'none' : JSON.stringify(refused)}`);
  console.log(
    `replay of all ${sentPaths.length} beacons sent: ${replay.before} refused as replays, of which ${limitedFirst} had been refused by a delivery limit at their first send (over-budget, over-cap: not counted) and ${acceptedBefore} accepted; ${replay.now} accepted now (in flight when wrk stopped), ${replay.limitedNow} refused by a limit now, other ${JSON.stringify(replay.other)}`,
  );
  // Every limited first send must come back as a replay: fewer would mean a marker was lost.
  // The stream may hold fewer than `acceptedTotal` only by beacons whose first answer wrk never read
  // in runs where a limit refused some (see `settle`); never more (that would be a double count).
  const short = acceptedTotal - inStream;
  const exact = acceptedBefore >= 0 && (short === 0 || (short > 0 && short <= unreadInLimitedRuns));
  console.log(
    `check: events in the stream ${inStream}, distinct beacons accepted ${acceptedTotal}: ${exact ? 'SAME' : 'DIFFERENT'}` +
      (short > 0 && exact
        ? ` (the ${short} beacons missing are within the ${unreadInLimitedRuns} in flight at wrk's stop in runs where a limit refused beacons: answered unread, refused ones replay as duplicates)`
        : unreadInLimitedRuns > 0
          ? ` (${unreadInLimitedRuns} beacons in flight at wrk's stop in runs with limit refusals)`
          : ''),
  );
  const share = closed.impression.requestsPerSecond / closed.hello.requestsPerSecond;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(`budget: impression beacons >= 30% of node:http hello-world: ${(share * 100).toFixed(0)}% ${verdict(share >= 0.3)}`);
  console.log(`budget: p99 <= 10 ms at half load: ${paced.p99Ms.toFixed(2)} ms ${verdict(paced.p99Ms <= 10)}`);
  if (!exact) process.exitCode = 1;
} finally {
  if (redis.status === 'ready') {
    const left = await redis.keys(`${prefix}*`);
    for (let at = 0; at < left.length; at += 500) await redis.del(...left.slice(at, at + 500));
  }
  redis.disconnect();
  for (const child of children.reverse()) {
    if (child.exitCode === null) {
      child.kill();
      await once(child, 'exit');
    }
  }
}
