import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadConfig } from './config';
import { ServiceError } from '@ads/ads-client/service';

describe('loadConfig', () => {
  it('defaults to the local servers', () => {
    const config = loadConfig({});
    assert.equal(config.databaseUrl, 'postgresql://postgres@127.0.0.1:5432/ads');
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.port, 4000);
    assert.equal(config.logLevel, 'info');
  });

  it('reads the environment and keeps tests quiet unless asked', () => {
    const config = loadConfig({ PORT: '4100', NODE_ENV: 'test', DATABASE_URL: 'postgres://u@db:5433/x' });
    assert.equal(config.port, 4100);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.databaseUrl, 'postgres://u@db:5433/x');
    assert.equal(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }).logLevel, 'debug');
  });

  it('refuses bad values, naming each variable', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' }),
      (error: unknown) =>
        error instanceof ServiceError &&
        error.code === 'CONFIG_INVALID' &&
        error.message.includes('PORT') &&
        error.message.includes('DATABASE_URL'),
    );
  });
});
