// Reports are true when read: a campaign or ad report read right after a roll-up includes every
// event that roll-up applied, at hour and day granularity, whether timeseries-warming ran since
// or not, and says how fresh its figures are (`asOf`). Real ads-data-api, PostgreSQL, Redis,
// roll-up and warming processes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rest } from '@ads/ads-client';
import type { TrackingEvent } from '@ads/ads-client';
import { type EventTarget, type ImportStack, appendTrackingEvents, runEnqueue, startImportStack } from './support/import-stack';
import { runTsCommand } from './support/processes';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WARM_DAYS = 3;

let stack: ImportStack;
let campaignId: string;
let ads: EventTarget[];
let eventCount = 0;

before(async () => {
  stack = await startImportStack('report-freshness');
  const byCampaign = new Map<string, EventTarget[]>();
  for (const ad of stack.ads) byCampaign.set(ad.campaignId, [...(byCampaign.get(ad.campaignId) ?? []), ad]);
  const chosen = [...byCampaign.values()].find((campaignAds) => campaignAds.length >= 2);
  assert.ok(chosen !== undefined, 'the seed has a live campaign with two ads');
  ads = chosen.slice(0, 2);
  campaignId = chosen[0]!.campaignId;
});
after(async () => {
  await stack?.stop();
});

/** Events at the given instants: per instant and ad, one impression, one viewable, and a click on the first ad. */
function eventsAt(instants: readonly number[]): TrackingEvent[] {
  const events: TrackingEvent[] = [];
  for (const at of instants) {
    for (const [index, ad] of ads.entries()) {
      const types: TrackingEvent['type'][] = index === 0 ? ['impression', 'viewable', 'click'] : ['impression', 'viewable'];
      for (const type of types) {
        eventCount += 1;
        events.push({
          type,
          eventId: `fresh-${eventCount}`,
          decisionId: `fresh-decision-${eventCount}`,
          ...ad,
          placementKey: 'home.top',
          userKey: `user-${eventCount}`,
          at,
          spendMicros: type === 'impression' ? 1_500 : type === 'click' ? 250_000 : 0,
        });
      }
    }
  }
  return events;
}

/** Appends the events and rolls them up in one local roll-up run, as the schedule would. */
async function rollUp(events: readonly TrackingEvent[]): Promise<{ startedMs: number; endedMs: number }> {
  await appendTrackingEvents(stack.redis, stack.keys, events);
  const startedMs = Date.now();
  const result = await runEnqueue(stack.prefix, ['rollup', '--local'], stack.environment({ ROLLUP_CRON: '' }));
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  return { startedMs, endedMs: Date.now() };
}

async function warm(): Promise<void> {
  const result = await runTsCommand('services/timeseries-warming', 'src/main.ts', ['run', '--days', String(WARM_DAYS), '--json'], {
    DATA_API_URLS: stack.dataApiRpcUrl,
    DATA_API_TOKEN: stack.serviceKey,
    REDIS_KEY_PREFIX: stack.prefix,
    DATA_API_TIMEOUT_MS: '20000',
  });
  assert.equal(result.code, 0, result.stderr);
}

async function report(
  level: 'campaigns' | 'ads',
  id: string,
  granularity: 'hour' | 'day',
  fromMs: number,
  toMs: number,
): Promise<rest.Report> {
  const url = new URL(`${stack.dataApiRpcUrl.replace(/\/rpc$/, '')}/api/v1/reports/${level}/${id}`);
  url.search = new URLSearchParams({ granularity, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() }).toString();
  const response = await fetch(url, { headers: { authorization: `Bearer ${stack.serviceKey}` } });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return rest.report.parse(body);
}

/** The database's buckets with activity (`stats.query`), as the report's points with activity should be. */
async function databasePoints(level: 'campaign' | 'ad', id: string, granularity: 'hour' | 'day', fromMs: number, toMs: number) {
  const { series } = await stack.client.stats.query({
    level,
    ids: [id],
    granularity,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
  });
  return (series[0]?.points ?? []).map((point) => ({
    bucket: new Date(point.bucket).toISOString(),
    impressions: point.impressions,
    viewableImpressions: point.viewableImpressions,
    clicks: point.clicks,
    spendMicros: point.spendMicros,
  }));
}

function activePoints(answer: rest.Report) {
  return answer.points
    .filter((point) => point.impressions + point.viewableImpressions + point.clicks + point.spendMicros > 0)
    .map(({ bucket, impressions, viewableImpressions, clicks, spendMicros }) => ({
      bucket: new Date(bucket).toISOString(),
      impressions,
      viewableImpressions,
      clicks,
      spendMicros,
    }));
}

/** Every report (campaign and ad, hour and day, over the warmed days) equals the database. */
async function assertReportsEqualDatabase(label: string): Promise<rest.Report[]> {
  const nowMs = Date.now();
  const toMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const dayToMs = Math.floor(nowMs / DAY_MS) * DAY_MS + DAY_MS;
  const fromMs = dayToMs - WARM_DAYS * DAY_MS;
  const answers: rest.Report[] = [];
  for (const [level, rpcLevel, id] of [
    ['campaigns', 'campaign', campaignId],
    ['ads', 'ad', ads[0]!.adId],
  ] as const) {
    for (const [granularity, end] of [
      ['hour', toMs],
      ['day', dayToMs],
    ] as const) {
      const answer = await report(level, id, granularity, fromMs, end);
      assert.deepEqual(
        activePoints(answer),
        await databasePoints(rpcLevel, id, granularity, fromMs, end),
        `${label}: ${level} by ${granularity} (source ${answer.source})`,
      );
      answers.push(answer);
    }
  }
  return answers;
}

function expectedTotals(events: readonly TrackingEvent[], adIds: ReadonlySet<string>) {
  const totals = { impressions: 0, viewableImpressions: 0, clicks: 0, spendMicros: 0 };
  for (const event of events) {
    if (!adIds.has(event.adId)) continue;
    if (event.type === 'impression') totals.impressions += 1;
    else if (event.type === 'viewable') totals.viewableImpressions += 1;
    else totals.clicks += 1;
    totals.spendMicros += event.spendMicros;
  }
  return totals;
}

test('a report read right after a roll-up includes it, with no warming in between, and says as of when', { timeout: 240_000 }, async () => {
  // A warm before any stats: the cache claims the last days, and holds nothing for the campaign.
  await warm();
  const nowMs = Date.now();
  const events = eventsAt([nowMs - 1_000, nowMs - 2 * HOUR_MS, nowMs - 30 * HOUR_MS]);
  const rollup = await rollUp(events);

  const answers = await assertReportsEqualDatabase('after the first roll-up');
  const campaignIds = new Set(ads.map((ad) => ad.adId));
  const [campaignByHour, campaignByDay] = answers as [rest.Report, rest.Report];
  const { ctr: _hourCtr, ...hourTotals } = campaignByHour.totals;
  const { ctr: _dayCtr, ...dayTotals } = campaignByDay.totals;
  assert.deepEqual(hourTotals, expectedTotals(events, campaignIds), 'every event of the roll-up, by hour');
  assert.deepEqual(dayTotals, expectedTotals(events, campaignIds), 'every event of the roll-up, by day');
  for (const answer of answers) {
    assert.ok(answer.asOf !== null && answer.asOf !== undefined, `asOf is given (${answer.level} by ${answer.granularity})`);
    const asOfMs = Date.parse(answer.asOf);
    // The roll-up applied the events between these instants (same machine, same clock).
    assert.ok(
      asOfMs >= rollup.startedMs - 1_000 && asOfMs <= rollup.endedMs + 1_000,
      `asOf ${answer.asOf} is when the roll-up applied the events`,
    );
  }
});

test(
  'a warmed cache that predates a roll-up still answers what the database holds; after a warm it serves again',
  { timeout: 240_000 },
  async () => {
    await warm();
    const warmedReports = await assertReportsEqualDatabase('right after a warm');
    const before = Math.max(...warmedReports.map((answer) => Date.parse(answer.asOf ?? '')));

    // New events in the current hour, and late ones for hours the cache already holds.
    const nowMs = Date.now();
    const events = eventsAt([nowMs - 500, nowMs - 2 * HOUR_MS, nowMs - 26 * HOUR_MS]);
    const rollup = await rollUp(events);
    const answers = await assertReportsEqualDatabase('after a roll-up newer than the warm');
    const hourlyAfterRollup = answers.filter((answer) => answer.granularity === 'hour');
    assert.ok(
      hourlyAfterRollup.every((answer) => answer.source === 'mixed'),
      `hours before the oldest one the roll-up changed still come from the cache: ${hourlyAfterRollup.map((answer) => answer.source).join(', ')}`,
    );
    for (const answer of answers) {
      const asOfMs = Date.parse(answer.asOf ?? '');
      assert.ok(
        asOfMs > before && asOfMs >= rollup.startedMs - 1_000 && asOfMs <= rollup.endedMs + 1_000,
        `asOf ${answer.asOf} moved to the new roll-up`,
      );
    }

    // Once warming has caught up, the same reports come from the cache, and still equal the database.
    await warm();
    const cached = await assertReportsEqualDatabase('after the next warm');
    const hourly = cached.filter((answer) => answer.granularity === 'hour');
    assert.ok(
      hourly.every((answer) => answer.source === 'cache'),
      `hourly reports are read from the cache: ${hourly.map((answer) => answer.source).join(', ')}`,
    );
    assert.deepEqual(
      cached.map((answer) => answer.asOf),
      answers.map((answer) => answer.asOf),
      'the cache knows as of when its figures are',
    );
  },
);
