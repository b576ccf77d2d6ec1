// The forecast's accuracy, measured (`npm run forecast:accuracy`): the whole local stack
// (`npm start` on ports, a Redis prefix, a state directory and a PostgreSQL database of its own)
// with serving's replay clock on (FORECAST_REPLAY=true: the `x-ads-replay-at` header places a
// request's recorded opportunity in a past hour; selection still runs on the real clock).
//
// 1. Pauses the demo campaigns and books five test campaigns on two sites of its own (run of
//    network, a country, device + a page property, one site, a keyword), same tier and bid, no
//    budget limit: where several match a request, serving's lottery splits it evenly.
// 2. Replays a synthetic week of traffic through `serving.decide` (backdated: the days from 14
//    to 8 days ago), with a known daily and weekly pattern, a known audience mix and a pool of
//    returning visitors; the roll-up moves the counts and samples into PostgreSQL.
// 3. Forecasts the three following days (7 to 5 days ago, `asOf` their start) for each test
//    campaign through `POST /api/v1/forecasts`.
// 4. Replays those three days the same way and counts, per day, the requests each targeting
//    matched (the generator knows them) and the decisions that chose each campaign (delivered
//    impressions: every decided ad counts as shown).
// 5. Prints forecast vs actual per targeting and day. Budget: expected impressions within ±15 %
//    of delivered per day for targetings with at least 1,000 daily opportunities.
// Loopback only; it stops by itself (the stack and the database with it). Not part of `npm test`.
import { Agent, request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createDataApiRestClient, seededRng, type ForecastResponse } from '@ads/ads-client';
import pg from 'pg';
import { runAgainstStack, startPrivateStack } from './private-stack';
const { values: flags } = parseArgs({
  options: {
    // Requests a day on average (all placements); the weekly and daily pattern moves it around.
    'daily-requests': { type: 'string', default: '12000' },
    connections: { type: 'string', default: '24' },
    seed: { type: 'string', default: '7' },
  },
});
const dailyRequests = Number(flags['daily-requests']);
const connections = Number(flags.connections);
if (!Number.isInteger(dailyRequests) || dailyRequests < 1_000 || dailyRequests > 200_000)
  fail(`--daily-requests must be a whole number from 1000 to 200000, got "${flags['daily-requests']}"`);
if (!Number.isInteger(connections) || connections < 1 || connections > 256) fail(`--connections must be 1 to 256`);

function fail(message: string): never {
  process.stderr.write(`forecast-accuracy: ${message}\n`);
  process.exit(2);
}

function say(message: string): void {
  process.stdout.write(`[forecast] ${message}\n`);
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const HISTORY_DAYS = 7;
const FORECAST_DAYS = 3;
const TOLERANCE = 0.15;
const MIN_DAILY_OPPORTUNITIES = 1_000;

// --- the synthetic traffic ------------------------------------------------------------------

// Deterministic, so that a run can be repeated.
const random = seededRng(Number(flags.seed));

/** Daily shape (UTC hour → factor, mean 1): quiet nights, a midday and an evening peak. */
const dailyShape = (hour: number) => 1 + 0.55 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + 0.2 * Math.sin(((hour - 4) / 12) * 2 * Math.PI);
/** Weekly shape (UTC weekday, 0 = Sunday → factor): weekends at 70 %, Monday busiest. */
const weeklyShape = [0.7, 1.2, 1.1, 1.05, 1.05, 1.0, 0.7];
const weeklyMean = weeklyShape.reduce((sum, factor) => sum + factor, 0) / 7;

function pick<T>(choices: readonly (readonly [T, number])[]): T {
  let draw = random();
  for (const [value, weight] of choices) {
    draw -= weight;
    if (draw < 0) return value;
  }
  return choices.at(-1)![0];
}

interface SyntheticRequest {
  placementKey: string;
  siteName: 'news' | 'sports';
  userKey: string;
  country: string | undefined;
  device: 'desktop' | 'mobile' | 'tablet';
  keywords: string[];
  section: string;
}

const PLACEMENTS = [
  ['fc-news-top', 'news', 0.45],
  ['fc-news-side', 'news', 0.3],
  ['fc-sports-top', 'sports', 0.25],
] as const;
const visitorPool = Math.max(500, Math.round(dailyRequests / 4));

function syntheticRequest(runId: string): SyntheticRequest {
  const placement = pick(PLACEMENTS.map(([key, site, weight]) => [[key, site] as const, weight] as const));
  const section =
    placement[1] === 'sports'
      ? pick([
          ['sports', 0.8],
          ['news', 0.2],
        ] as const)
      : pick([
          ['news', 0.5],
          ['sports', 0.2],
          ['tech', 0.3],
        ] as const);
  return {
    placementKey: placement[0],
    siteName: placement[1],
    // Returning visitors: a pool of a quarter of a day's requests, some visiting far more often.
    userKey: `fc-${runId}-${Math.floor(visitorPool * random() ** 1.5)}`,
    country: pick([
      ['US', 0.4],
      ['GB', 0.2],
      ['DE', 0.2],
      [undefined, 0.2],
    ] as const),
    device: pick([
      ['mobile', 0.55],
      ['desktop', 0.4],
      ['tablet', 0.05],
    ] as const),
    keywords: random() < 0.15 ? ['nba', 'basketball'] : random() < 0.5 ? ['politics'] : [],
    section,
  };
}

/** Requests in one UTC hour: the pattern, times ±5 % of noise. */
function requestsInHour(hourStartMs: number): number {
  const at = new Date(hourStartMs);
  const expected = (dailyRequests / 24) * dailyShape(at.getUTCHours()) * (weeklyShape[at.getUTCDay()]! / weeklyMean);
  return Math.max(0, Math.round(expected * (0.95 + 0.1 * random())));
}

// --- the test campaigns ---------------------------------------------------------------------

interface Targeted {
  name: string;
  targeting: Record<string, unknown>;
  matches: (request: SyntheticRequest) => boolean;
}

function targetings(siteIds: Record<'news' | 'sports', string>): Targeted[] {
  return [
    { name: 'run of network', targeting: {}, matches: () => true },
    { name: 'country US', targeting: { countries: ['US'] }, matches: (r) => r.country === 'US' },
    {
      name: 'mobile, section = "sports"',
      targeting: { devices: ['mobile'], properties: 'section = "sports"' },
      matches: (r) => r.device === 'mobile' && r.section === 'sports',
    },
    { name: 'site sports', targeting: { siteIds: [siteIds.sports] }, matches: (r) => r.siteName === 'sports' },
    { name: 'keyword nba', targeting: { keywords: ['nba'] }, matches: (r) => r.keywords.includes('nba') },
  ];
}

// --- the stack ------------------------------------------------------------------------------

const stack = startPrivateStack('forecast', { FORECAST_REPLAY: 'true', FORECAST_FLUSH_MS: '1000' });

// --- replay ---------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: connections * 2 });

function post(url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((done, reject) => {
    const outgoing = request(url, { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => done({ status: response.statusCode!, text }));
    });
    outgoing.setTimeout(30_000, () => outgoing.destroy(new Error(`POST ${url.pathname} timed out`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Per day (index from the replay's start) and targeting: requests it matched, decisions that chose its campaign. */
interface DayTally {
  opportunities: number[];
  delivered: number[];
}

/**
 * Sends the synthetic traffic of `days` days from `fromMs` through serving.decide, each request
 * backdated to a random instant of its hour; tallies what the generator knows and what serving chose.
 */
async function replay(serving: string, fromMs: number, days: number, tested: Targeted[], campaignIds: string[]): Promise<DayTally[]> {
  const tallies: DayTally[] = Array.from({ length: days }, () => ({
    opportunities: tested.map(() => 0),
    delivered: tested.map(() => 0),
  }));
  const jobs: { at: number; day: number; request: SyntheticRequest }[] = [];
  for (let hour = 0; hour < days * 24; hour += 1) {
    const hourStart = fromMs + hour * HOUR_MS;
    const count = requestsInHour(hourStart);
    for (let at = 0; at < count; at += 1) {
      jobs.push({ at: hourStart + Math.floor(random() * HOUR_MS), day: Math.floor(hour / 24), request: syntheticRequest(stack.runId) });
    }
  }
  const url = new URL('/rpc', serving);
  let next = 0;
  let failed = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const { request: synthetic } = job;
        tested.forEach((targeted, index) => {
          if (targeted.matches(synthetic)) tallies[job.day]!.opportunities[index]! += 1;
        });
        const body = JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'serving.decide',
          params: {
            placements: [{ divName: 'slot', placementKey: synthetic.placementKey }],
            userKey: synthetic.userKey,
            ...(synthetic.country === undefined ? {} : { country: synthetic.country }),
            device: synthetic.device,
            keywords: synthetic.keywords,
            properties: { section: synthetic.section },
          },
        });
        const answer = await post(url, body, { 'x-ads-replay-at': String(job.at) }).catch(() => undefined);
        if (answer?.status !== 200) {
          failed += 1;
          continue;
        }
        const ads = (JSON.parse(answer.text) as { result?: { decisions: Record<string, { campaignId: string }[]> } }).result?.decisions
          .slot;
        for (const ad of ads ?? []) {
          const index = campaignIds.indexOf(ad.campaignId);
          if (index >= 0) tallies[job.day]!.delivered[index]! += 1;
        }
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  say(`replayed ${jobs.length} decisions in ${seconds.toFixed(0)} s (${(jobs.length / seconds).toFixed(0)}/s), ${failed} failed`);
  if (failed > jobs.length / 1000) throw new Error(`${failed} of ${jobs.length} decisions failed`);
  return tallies;
}

// --- the run --------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = Date.now();
  say(`starting the stack (ports from ${stack.portBase}, database ${stack.databaseName}, Redis prefix ${stack.redisKeyPrefix})`);
  const stackInfo = await stack.ready;
  const api = createDataApiRestClient({ baseUrl: stackInfo.urls.dataApi, apiKey: stackInfo.keys.adminKey });

  // Only the test campaigns compete: the demo seed's are paused.
  for await (const campaign of api.campaigns.listAll({ status: 'active' })) {
    const tagged = await api.campaigns.get(campaign.id);
    await api.campaigns.pause(campaign.id, { ifMatch: tagged.etag });
  }
  const siteIds = {
    news: (await api.sites.create({ name: 'Forecast news', domain: `news-${stack.runId}.forecast.example` })).data.id,
    sports: (await api.sites.create({ name: 'Forecast sports', domain: `sports-${stack.runId}.forecast.example` })).data.id,
  };
  for (const [key, site] of PLACEMENTS) {
    await api.placements.create({ siteId: siteIds[site], key, name: key, allowedFormats: ['native'] });
  }
  const tested = targetings(siteIds);
  const advertiser = (await api.advertisers.create({ name: 'Forecast replay' })).data;
  const campaignIds: string[] = [];
  const now = Date.now();
  for (const targeted of tested) {
    // Each on an advertiser of its own (competitive exclusion is per advertiser) would change
    // nothing with one slot per request: one advertiser is enough.
    const campaign = await api.campaigns.create({
      advertiserId: advertiser.id,
      name: `Forecast ${targeted.name}`,
      flightStart: new Date(now - 30 * DAY_MS).toISOString(),
      flightEnd: new Date(now + 30 * DAY_MS).toISOString(),
      totalBudget: 2_000_000_000,
      pacing: 'asap',
      bidType: 'CPM',
      bidAmount: 200,
      targeting: targeted.targeting,
    });
    const ad = await api.ads.create({
      campaignId: campaign.data.id,
      title: `Forecast ${targeted.name}`,
      body: 'Replay',
      clickUrl: 'https://advertiser.forecast.example/landing',
    });
    await api.ads.update(ad.data.id, { reviewState: 'approved' }, { ifMatch: ad.etag });
    await api.campaigns.activate(campaign.data.id, { ifMatch: campaign.etag });
    campaignIds.push(campaign.data.id);
  }
  say(`booked ${tested.length} test campaigns; waiting for serving to load them`);
  const serving = stackInfo.urls.serving;
  const probe = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'serving.decide',
    params: {
      placements: [{ divName: 'slot', placementKey: 'fc-sports-top' }],
      device: 'mobile',
      country: 'US',
      keywords: ['nba'],
      properties: { section: 'sports' },
    },
  });
  const seen = new Set<string>();
  const loadDeadline = Date.now() + 120_000;
  while (seen.size < campaignIds.length && Date.now() < loadDeadline) {
    const answer = await post(new URL('/rpc', serving), probe, {});
    for (const ad of (JSON.parse(answer.text) as { result?: { decisions: { slot: { campaignId: string }[] } } }).result?.decisions.slot ??
      [])
      seen.add(ad.campaignId);
    if (seen.size < campaignIds.length) await delay(50);
  }
  if (seen.size < campaignIds.length) throw new Error(`serving showed ${seen.size} of ${campaignIds.length} test campaigns in 2 minutes`);

  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const historyStart = today - 14 * DAY_MS;
  const forecastStart = historyStart + HISTORY_DAYS * DAY_MS;
  say(
    `replaying ${HISTORY_DAYS} days of history (${new Date(historyStart).toISOString().slice(0, 10)} to ${new Date(forecastStart - DAY_MS).toISOString().slice(0, 10)}), about ${dailyRequests} requests a day`,
  );
  await replay(serving, historyStart, HISTORY_DAYS, tested, campaignIds);

  say('waiting for the roll-up to move every hour and day of the history into PostgreSQL');
  const database = new pg.Client({ connectionString: stack.databaseUrl });
  await database.connect();
  const rollupDeadline = Date.now() + 8 * 60_000;
  for (;;) {
    const { rows } = await database.query<{ hours: string; days: string }>(
      `SELECT (SELECT count(DISTINCT hour) FROM opportunity_hour WHERE hour >= $1 AND hour < $2) AS hours,
              (SELECT count(*) FROM opportunity_day WHERE day >= $1::date AND day < $2::date) AS days`,
      [new Date(historyStart), new Date(forecastStart)],
    );
    const hours = Number(rows[0]!.hours);
    const days = Number(rows[0]!.days);
    if (hours >= HISTORY_DAYS * 24 && days >= HISTORY_DAYS) break;
    if (Date.now() > rollupDeadline)
      throw new Error(`the roll-up brought ${hours} hours and ${days} days of ${HISTORY_DAYS * 24} and ${HISTORY_DAYS} in 8 minutes`);
    await delay(5_000);
  }
  await database.end();

  const forecasts: ForecastResponse[] = [];
  for (const [index, targeted] of tested.entries()) {
    const answer = await fetch(`${stackInfo.urls.dataApi}/api/v1/forecasts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stackInfo.keys.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        campaign: {
          flightStart: new Date(forecastStart).toISOString(),
          flightEnd: new Date(forecastStart + FORECAST_DAYS * DAY_MS).toISOString(),
          timeZone: 'UTC',
          totalBudget: 2_000_000_000,
          dailyBudget: null,
          pacing: 'asap',
          priority: 'standard',
          bidType: 'CPM',
          bidAmount: 200,
          frequencyCap: null,
          targeting: targeted.targeting,
        },
        campaignId: campaignIds[index],
        asOf: new Date(forecastStart).toISOString(),
      }),
    });
    if (answer.status !== 200)
      throw new Error(`the forecast of "${targeted.name}" answered ${answer.status}: ${(await answer.text()).slice(0, 500)}`);
    forecasts.push((await answer.json()) as ForecastResponse);
  }
  say(
    `forecast ${tested.length} targetings for ${FORECAST_DAYS} days from ${new Date(forecastStart).toISOString().slice(0, 10)}; replaying those days`,
  );
  const actual = await replay(serving, forecastStart, FORECAST_DAYS, tested, campaignIds);

  say('per targeting and day: opportunities forecast / actual, impressions forecast / delivered (error)');
  let checked = 0;
  let failures = 0;
  let worst = 0;
  for (const [index, targeted] of tested.entries()) {
    for (let day = 0; day < FORECAST_DAYS; day += 1) {
      const forecastDay = forecasts[index]!.days[day];
      const opportunities = actual[day]!.opportunities[index]!;
      const delivered = actual[day]!.delivered[index]!;
      const expected = forecastDay?.expectedImpressions ?? 0;
      const error = delivered === 0 ? Number.POSITIVE_INFINITY : (expected - delivered) / delivered;
      const judged = opportunities >= MIN_DAILY_OPPORTUNITIES;
      if (judged) {
        checked += 1;
        worst = Math.max(worst, Math.abs(error));
        if (!(Math.abs(error) <= TOLERANCE)) failures += 1;
      }
      say(
        `  ${targeted.name.padEnd(28)} ${forecastDay?.date ?? `day ${day + 1}`}: opportunities ${String(forecastDay?.opportunities ?? 0).padStart(6)} / ${String(opportunities).padStart(6)}, impressions ${String(expected).padStart(6)} / ${String(delivered).padStart(6)} (${(error * 100).toFixed(1)} %)${judged ? '' : ' (under 1,000 opportunities: not judged)'}`,
      );
    }
  }
  say(
    `budget: forecast within ±${TOLERANCE * 100} % of delivered impressions per day: ${failures === 0 ? 'PASS' : 'FAIL'} (${checked - failures} of ${checked} days within, worst ${(worst * 100).toFixed(1)} %)`,
  );
  say(`assumptions the data API stated: ${forecasts[0]!.assumptions.join(' | ')}`);
  say(`ran ${((Date.now() - began) / 60_000).toFixed(1)} min in all`);
  process.exitCode = failures === 0 && checked > 0 ? 0 : 1;
}

runAgainstStack(stack, main, say, () => agent.destroy());
