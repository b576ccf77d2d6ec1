import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobInvalidError } from '../errors';
import { jobDataFromOptions } from './enqueue-command';

test('command-line options become the job’s data', () => {
  assert.deepEqual(jobDataFromOptions('rollup', {}), { name: 'rollup', data: {} });
  assert.deepEqual(jobDataFromOptions('opportunity-rollup', {}), { name: 'opportunity-rollup', data: {} });
  assert.deepEqual(jobDataFromOptions('feed-import', { source: ' /feeds/a.csv ', format: 'csv' }), {
    name: 'feed-import',
    data: { source: '/feeds/a.csv', format: 'csv' },
  });
  assert.deepEqual(jobDataFromOptions('ads-scoring', { arg: ['--dry-run'] }), { name: 'ads-scoring', data: { args: ['--dry-run'] } });
  assert.deepEqual(jobDataFromOptions('cache-warming', {}), { name: 'cache-warming', data: { args: [] } });
});

test('an unknown job, a missing source and options of another job are refused by name', () => {
  const refused = (job: string, options: Parameters<typeof jobDataFromOptions>[1], pattern: RegExp) =>
    assert.throws(
      () => jobDataFromOptions(job, options),
      (error: unknown) => error instanceof JobInvalidError && error.code === 'JOB_INVALID' && pattern.test(error.message),
    );
  refused('feed-importer', {}, /unknown job "feed-importer"; jobs: rollup, opportunity-rollup, feed-import/);
  refused('feed-import', {}, /--source/);
  refused('rollup', { source: '/x.csv' }, /--source and --format belong to feed-import/);
  refused('rollup', { arg: ['x'] }, /--arg belongs to the platform commands/);
});
