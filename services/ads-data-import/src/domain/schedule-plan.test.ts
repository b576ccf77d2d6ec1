import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config';
import { schedulePlan } from './schedule-plan';

test('defaults: both roll-ups every minute, no feeds, no commands', () => {
  const plan = schedulePlan(loadConfig({}).schedules);
  assert.deepEqual(
    plan.map((entry) => [entry.schedulerId, entry.queue, entry.jobName, entry.pattern]),
    [
      ['rollup', 'rollup', 'rollup', '* * * * *'],
      ['opportunity-rollup', 'rollup', 'opportunity-rollup', '* * * * *'],
    ],
  );
});

test('the opportunity roll-up has a schedule of its own, and empty switches it off', () => {
  const plan = schedulePlan(loadConfig({ OPPORTUNITY_ROLLUP_CRON: '*/2 * * * *', ROLLUP_CRON: '' }).schedules);
  assert.deepEqual(
    plan.map((entry) => [entry.schedulerId, entry.pattern]),
    [['opportunity-rollup', '*/2 * * * *']],
  );
  assert.deepEqual(
    schedulePlan(loadConfig({ OPPORTUNITY_ROLLUP_CRON: '' }).schedules).map((entry) => entry.jobName),
    ['rollup'],
  );
});

test('one nightly import per feed source, and commands when configured', () => {
  const plan = schedulePlan(
    loadConfig({
      FEED_SOURCES: '/feeds/acme.csv, https://globex.example/feed.json',
      FEED_IMPORT_CRON: '30 1 * * *',
      CACHE_WARMING_CRON: '*/5 * * * *',
      ADS_SCORING_CRON: '0 * * * *',
      ROLLUP_CRON: '',
      OPPORTUNITY_ROLLUP_CRON: '',
    }).schedules,
  );
  assert.deepEqual(
    plan.map((entry) => [entry.jobName, entry.queue, entry.pattern, entry.data]),
    [
      ['feed-import', 'feed-import', '30 1 * * *', { source: '/feeds/acme.csv' }],
      ['feed-import', 'feed-import', '30 1 * * *', { source: 'https://globex.example/feed.json' }],
      ['cache-warming', 'platform-commands', '*/5 * * * *', { args: [] }],
      ['ads-scoring', 'platform-commands', '0 * * * *', { args: [] }],
    ],
  );
  const ids = plan.map((entry) => entry.schedulerId);
  assert.equal(new Set(ids).size, ids.length);
  // Stable: the same configuration upserts the same schedulers on every instance.
  assert.deepEqual(
    ids,
    schedulePlan(
      loadConfig({
        FEED_SOURCES: '/feeds/acme.csv, https://globex.example/feed.json',
        FEED_IMPORT_CRON: '30 1 * * *',
        CACHE_WARMING_CRON: '*/5 * * * *',
        ADS_SCORING_CRON: '0 * * * *',
        ROLLUP_CRON: '',
        OPPORTUNITY_ROLLUP_CRON: '',
      }).schedules,
    ).map((entry) => entry.schedulerId),
  );
});
