// Poison entries among good ones on the events stream: events whose hour or spend stats cannot
// hold, and a run of well-formed events whose spend in one ad-hour adds up beyond what a stats
// row can hold. The good events are counted exactly once, the poison is acknowledged and
// reported, and the next run is not blocked. Real Redis, PostgreSQL, ads-data-api and workers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_EVENT_SPEND_MICROS, type TrackingEvent } from '@ads/ads-client';
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
const FIRST_HOUR = Date.UTC(2025, 4, 12, 0);
const rollup = useRollupHarness('import-rollup-poison');

interface Summary {
  events: number;
  malformed: number;
  refusedRowEvents: number;
  unknownAdEvents: number;
  batches: number;
}

test(
  'poison entries are acknowledged and reported; the good ones are counted once; the next run goes on',
  { timeout: 180_000 },
  async () => {
    const { stack } = rollup;
    const ads = stack.ads.slice(0, 6);
    const adIds = ads.map((ad) => ad.adId);
    const good = generateTrackingEvents(ads.slice(0, 5), 1_500, { firstHour: FIRST_HOUR, hours: 3, seed: 21 });
    const template = good[0]!;
    // Each one alone is refused when read: `at` in microseconds (year 57,000), in seconds (1970), a spend no bid allows.
    const unreadable: TrackingEvent[] = [
      { ...template, eventId: 'poison-microseconds', at: template.at * 1000 },
      { ...template, eventId: 'poison-seconds', at: Math.floor(template.at / 1000) },
      { ...template, eventId: 'poison-spend', type: 'click', spendMicros: MAX_EVENT_SPEND_MICROS + 1 },
    ];
    // Each one is a possible event, but 901 of them in one ad-hour spend more than 2^53 micros,
    // which stats.ingest refuses for that row (rows.<i>.spendMicros).
    const overspending: TrackingEvent[] = Array.from({ length: 901 }, (_, index) => ({
      ...template,
      ...ads[5]!,
      type: 'click',
      eventId: `overspend-${index}`,
      at: FIRST_HOUR + 5 * HOUR + index,
      spendMicros: MAX_EVENT_SPEND_MICROS,
    }));
    // Batches of 1,000 from the start: the first holds the overspending clicks and 99 good events;
    // the unreadable entries fall into later batches, among good events.
    const ids = await appendTrackingEvents(stack.redis, stack.keys, [
      ...overspending,
      ...good.slice(0, 400),
      unreadable[0]!,
      ...good.slice(400, 900),
      unreadable[1]!,
      ...good.slice(900, 1_200),
      unreadable[2]!,
      ...good.slice(1_200),
    ]);
    const unreadableIds = [ids[901 + 400]!, ids[901 + 400 + 1 + 500]!, ids[901 + 400 + 1 + 500 + 1 + 300]!];

    const settings = { ROLLUP_CRON: '', ROLLUP_BATCH_SIZE: '1000', ROLLUP_CONSUMERS: '2', ROLLUP_CLAIM_MIN_IDLE_MS: '60000' };
    const worker = await rollup.startWorker(settings, 'poison-worker');

    const first = await rollup.runJob<Summary>();
    assert.deepEqual(
      sortedTotals(await databaseTotals(stack.client, adIds, FIRST_HOUR, FIRST_HOUR + 6 * HOUR)),
      sortedTotals(expectedTotals(good)),
    );
    assert.equal(first.malformed, 3, JSON.stringify(first));
    assert.equal(first.refusedRowEvents, 901, JSON.stringify(first));
    assert.equal(first.unknownAdEvents, 0);
    assert.deepEqual(await pendingRollupEntries(stack.redis, stack.keys), [], 'the poison is acknowledged: nothing stays pending');

    // Reported: each unreadable entry by its id and the problem, the refused row with its entries' ids.
    const output = worker.process.output();
    for (const id of unreadableIds) assert.ok(output.includes(`"streamId":"${id}"`), `entry ${id} is reported`);
    assert.match(output, /"problem":"not a countable tracking event: at: /);
    assert.match(output, /"problem":"not a countable tracking event: spendMicros: /);
    assert.match(output, /stats rows the API cannot store left out of the roll-up/);
    assert.ok(output.includes(`"entries":901`) && output.includes(`"${ids[0]}"`), 'the refused row names its entries');

    // The next run: new good events (and one more poison entry) go through as usual.
    const later = generateTrackingEvents(ads.slice(0, 5), 300, { firstHour: FIRST_HOUR, hours: 3, seed: 22 });
    await appendTrackingEvents(stack.redis, stack.keys, [
      ...later.slice(0, 100),
      { ...template, eventId: 'poison-again', at: template.at * 1000 },
      ...later.slice(100),
    ]);
    const second = await rollup.runJob<Summary>();
    assert.equal(second.malformed, 1);
    assert.equal(second.events, 300);
    assert.deepEqual(
      sortedTotals(await databaseTotals(stack.client, adIds, FIRST_HOUR, FIRST_HOUR + 6 * HOUR)),
      sortedTotals(expectedTotals([...good, ...later])),
    );
  },
);
