// How long one forecast takes at the size the issue names: 28 days of history on 50 placements,
// 2,000 sampled requests a day, a 28-day flight, and booked competitors with audience targeting.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';

import { bearer, createRestFixture, type RestFixture } from './support/rest-fixture';
import { createAdvertiser, createCampaign } from './support/inventory-fixtures';
import { DAY_MS, syntheticHistory, writeOpportunityHistory, type SyntheticPlacement } from './support/opportunity-history';

let fixture: RestFixture;
const asOfMs = Date.parse('2026-11-30T00:00:00.000Z');
// The time a forecast takes is reported (test diagnostics: wall and CPU time of this process),
// not asserted: performance is shown by measurement, and a timed assertion would fail on a busy
// machine. What is asserted is that a forecast of this size answers, whole and correct.

before(async () => {
  fixture = await createRestFixture();
  const site = await fixture.prisma.site.create({ data: { name: 'Big', domain: 'big.forecast.test', category: 'news' } });
  const placements: SyntheticPlacement[] = [];
  for (let index = 0; index < 50; index += 1) {
    const key = `big-${index}`;
    const row = await fixture.prisma.placement.create({ data: { siteId: site.id, key, name: key, allowedFormats: ['native'] } });
    placements.push({ id: row.id, key, base: 20 + index });
  }
  // 40 entries per placement and day: 2,000 a day.
  await writeOpportunityHistory(fixture.prisma, syntheticHistory(placements, asOfMs - 28 * DAY_MS, 28, 40));
  const advertiserId = (await createAdvertiser(fixture.prisma)).id;
  const flight = { flightStart: new Date(asOfMs - DAY_MS), flightEnd: new Date(asOfMs + 60 * DAY_MS) };
  for (const [index, countries] of [['US'], ['FR'], ['US', 'DE'], [], ['FR']].entries()) {
    await createCampaign(fixture.prisma, advertiserId, {
      ...flight,
      countries,
      keywords: index % 2 === 0 ? ['sports'] : [],
      priority: index === 0 ? 'sponsorship' : 'standard',
    });
  }
});
after(async () => {
  await fixture?.close();
});

describe('forecast performance', () => {
  it('answers a 28-day forecast over 50 placements and 2,000-entry daily samples well under a second', async (context) => {
    const body = {
      campaign: {
        flightStart: new Date(asOfMs).toISOString(),
        flightEnd: new Date(asOfMs + 28 * DAY_MS).toISOString(),
        totalBudget: 500_000,
        bidAmount: 250,
        frequencyCap: { count: 2, windowSeconds: 86_400 },
        targeting: {
          countries: ['US', 'FR'],
          devices: ['mobile', 'desktop'],
          properties: 'section = "sports" OR logged_in',
          hours: [],
          weekdays: [],
        },
      },
      asOf: new Date(asOfMs).toISOString(),
    };
    const timings: number[] = [];
    const cpuTimings: number[] = [];
    for (let run = 0; run < 6; run += 1) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const response = await request(fixture.app).post('/api/v1/forecasts').set('authorization', bearer(fixture.adminKey)).send(body);
      const used = process.cpuUsage(cpu);
      timings.push(performance.now() - started);
      cpuTimings.push((used.user + used.system) / 1000);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.days.length, 28);
      assert.equal(response.body.competitors.length, 5);
    }
    const median = (values: number[]) => Math.round([...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!);
    const [cold, ...warm] = timings;
    const [coldCpu, ...warmCpu] = cpuTimings;
    context.diagnostic(
      `cold (day samples read and parsed): ${Math.round(cold!)} ms wall, ${Math.round(coldCpu!)} ms CPU; ` +
        `warm median of ${warm.length}: ${median(warm)} ms wall, ${median(warmCpu)} ms CPU`,
    );
  });
});
