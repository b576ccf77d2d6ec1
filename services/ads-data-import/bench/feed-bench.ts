// Feed import throughput on a generated CSV feed (default 20,000 rows: 100 advertisers × 10
// campaigns × 20 ads). Measured in the same run: bare csv-parse (the baseline), parse +
// contract validation, and the whole import into a real ads-data-api and PostgreSQL, first
// creating everything, then again when nothing changed.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { pino } from 'pino';
import { loadConfig } from '../src/config';
import { FEED_COLUMNS } from '../src/domain/feed-columns';
import { FeedRowValidator } from '../src/domain/feed-row';
import { readFeedRecords } from '../src/store/feed-records';
import { runFeedImport } from '../src/app/feed-import-job';
import { createDataApiClient } from '../src/store/data-api-client';
import { startBenchStack } from './bench-stack';

const BUDGET_ROWS_PER_SECOND = 5_000;
const rows = Number(process.env.BENCH_ROWS ?? 20_000);
const runId = Date.now().toString(36);

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function feedText(): string {
  const header = FEED_COLUMNS.map((column) => column.name);
  const lines = [header.join(',')];
  for (let index = 0; index < rows; index += 1) {
    const advertiser = Math.floor(index / 200);
    const campaign = Math.floor(index / 20);
    const values: Record<string, string> = {
      advertiser_external_id: `bench-${runId}-adv-${advertiser}`,
      advertiser_name: `Bench advertiser ${advertiser}`,
      campaign_external_id: `bench-${runId}-camp-${campaign}`,
      campaign_name: `Bench campaign ${campaign}`,
      flight_start: '2026-01-01T00:00:00Z',
      flight_end: '2026-12-31T00:00:00Z',
      time_zone: 'Europe/Paris',
      total_budget: '1000000',
      daily_budget: '10000',
      pacing: 'even',
      priority: 'standard',
      bid_type: campaign % 2 === 0 ? 'CPM' : 'CPC',
      bid_amount: '250',
      frequency_cap_count: '3',
      frequency_cap_window_seconds: '86400',
      target_countries: 'US|CA|GB',
      target_devices: 'desktop|mobile',
      target_keywords: 'shoes|running|trail',
      target_site_ids: '',
      target_categories: 'sport',
      target_hours: '8|9|10|11|12|13|14|15|16|17|18|19|20',
      target_weekdays: '',
      exclusion_label: '',
      ad_external_id: `bench-${runId}-ad-${index}`,
      ad_format: index % 5 === 0 ? 'banner' : 'native',
      ad_title: `Trail shoes, model ${index}`,
      ad_body: 'Light, grippy and waterproof: built for the mountains.',
      ad_image_url: `https://cdn.example.com/shoes/${index}.jpg`,
      ad_click_url: `https://shop.example.com/shoes/${index}?utm_source=ads`,
      ad_width: index % 5 === 0 ? '300' : '',
      ad_height: index % 5 === 0 ? '250' : '',
    };
    lines.push(header.map((name) => csvCell(values[name] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

const directory = mkdtempSync(join(tmpdir(), 'feed-bench-'));
const file = join(directory, 'bench-feed.csv');
writeFileSync(file, feedText());
console.log(`feed import benchmark: ${rows.toLocaleString('en')} rows (CSV); host ${hostname()} (shared, noisy)`);

let started = performance.now();
let parsed = 0;
for await (const _record of createReadStream(file).pipe(parse({ bom: true }))) parsed += 1;
const parseRate = (parsed - 1) / ((performance.now() - started) / 1000);
console.log(`baseline  bare csv-parse:                          ${Math.round(parseRate).toLocaleString('en')} rows/s`);

started = performance.now();
const validator = new FeedRowValidator();
let valid = 0;
for await (const item of readFeedRecords(createReadStream(file), 'csv')) {
  if (item.kind === 'record' && validator.validate(item.record).ok) valid += 1;
}
const validateRate = rows / ((performance.now() - started) / 1000);
console.log(`validate  parse + feedUpsertRow validation:        ${Math.round(validateRate).toLocaleString('en')} rows/s (${valid} valid)`);

const stack = await startBenchStack();
const settings = loadConfig({
  ...process.env,
  DATA_API_URLS: stack.rpcUrl,
  DATA_API_TOKEN: stack.importerKey,
  DATA_API_TIMEOUT_MS: '300000',
  FEED_LOCAL_DIR: directory,
});
const dataApi = createDataApiClient(settings.dataApi);
try {
  const dependencies = { dataApi, logger: pino({ level: 'warn' }), settings: settings.feed };
  for (const pass of ['first import (creates)', 'second import (unchanged)']) {
    started = performance.now();
    const summary = await runFeedImport(dependencies, { source: file });
    const rate = summary.total / ((performance.now() - started) / 1000);
    console.log(
      `import    ${pass.padEnd(27)}: ${Math.round(rate).toLocaleString('en')} rows/s (created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, failed ${summary.failed}; chunk ${settings.feed.chunkSize}, ${settings.feed.uploadConcurrency} in flight)`,
    );
    console.log(
      `ratio     to budget ${BUDGET_ROWS_PER_SECOND.toLocaleString('en')}/s: ${(rate / BUDGET_ROWS_PER_SECOND).toFixed(2)}   to bare csv-parse: ${(rate / parseRate).toFixed(3)}`,
    );
  }
  console.log(
    `ratio     validation to budget: ${(validateRate / BUDGET_ROWS_PER_SECOND).toFixed(2)}   validation to bare csv-parse: ${(validateRate / parseRate).toFixed(2)}`,
  );
} finally {
  await dataApi.$close();
  await stack.stop();
  rmSync(directory, { recursive: true, force: true });
}
