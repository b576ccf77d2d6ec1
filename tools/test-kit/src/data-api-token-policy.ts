import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

/**
 * What every command that calls ads-data-api must do with DATA_API_TOKEN: in production it
 * refuses the known placeholders, short and weak tokens (CONFIG_INVALID, naming the variable
 * and how to make a good one) and accepts random ones; outside production any token starts
 * (the data API decides whether it is a key).
 */
export function assertDataApiTokenPolicy(
  loadConfig: (env: Record<string, string>) => { dataApiToken: string },
  isConfigInvalid: (error: unknown) => boolean,
  placeholders: readonly string[],
): void {
  const base = { NODE_ENV: 'production', DATA_API_URLS: 'http://a.test/rpc' };
  for (const token of [...placeholders, 'svc', 'x'.repeat(50)]) {
    assert.throws(
      () => loadConfig({ ...base, DATA_API_TOKEN: token }),
      (error: unknown) => isConfigInvalid(error) && /DATA_API_TOKEN: .*openssl rand -base64 48/.test((error as Error).message),
      token,
    );
  }
  for (const token of [`ads_${randomBytes(32).toString('base64url')}`, randomBytes(48).toString('base64')]) {
    assert.equal(loadConfig({ ...base, DATA_API_TOKEN: token }).dataApiToken, token);
  }
  assert.equal(loadConfig({ DATA_API_URLS: 'http://a.test/rpc', DATA_API_TOKEN: 'svc' }).dataApiToken, 'svc');
}
