// /metrics can be restricted: with METRICS_TOKEN only a request carrying it as a Bearer token
// reads it (401 without one, 403 with another), and with METRICS_PORT it moves to a port of its
// own and the public port no longer has it. And a production process refuses to start with a
// published tracking secret, naming it. Real processes (src/main.ts under tsx), real Redis.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { freePort, startServingProcess, waitForPath, type ServingProcess } from './support/serving-process';

const prefix = `test:${randomUUID()}:`;
const started: ServingProcess[] = [];

after(async () => {
  await Promise.all(started.map((serving) => serving.stop()));
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const leftovers = await redis.keys(`${prefix}*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
});

function startServing(env: Record<string, string>): ServingProcess {
  const serving = startServingProcess({ REDIS_KEY_PREFIX: prefix, ...env });
  started.push(serving);
  return serving;
}

const production = () => ({ NODE_ENV: 'production', TRACKING_SECRET: randomBytes(48).toString('base64') });

test('with METRICS_TOKEN, /metrics answers 401 without the token, 403 with another, 200 with it', async () => {
  const token = randomBytes(48).toString('base64');
  const port = await freePort();
  const serving = startServing({ ...production(), PORT: String(port), METRICS_TOKEN: token });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForPath(serving, base, '/healthz');
    const none = await fetch(`${base}/metrics`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'METRICS_UNAUTHORIZED');
    for (const authorization of [`Bearer ${randomBytes(48).toString('base64')}`, `Bearer ${token.slice(0, -1)}`]) {
      const wrong = await fetch(`${base}/metrics`, { headers: { authorization } });
      assert.equal(wrong.status, 403);
      assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'METRICS_FORBIDDEN');
    }
    const basic = await fetch(`${base}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` } });
    assert.equal(basic.status, 401, 'only a Bearer token is read');
    const right = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(right.status, 200);
    assert.match(await right.text(), /^ads_serving_decisions_total /m);
    // The rest of the public port is unaffected.
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  } finally {
    await serving.stop();
  }
});

test('with METRICS_PORT, /metrics moves to its own port and the public port answers 404', async () => {
  const token = randomBytes(48).toString('base64');
  const [port, metricsPort] = [await freePort(), await freePort()];
  const serving = startServing({ ...production(), PORT: String(port), METRICS_PORT: String(metricsPort), METRICS_TOKEN: token });
  const base = `http://127.0.0.1:${port}`;
  const metricsBase = `http://127.0.0.1:${metricsPort}`;
  try {
    await waitForPath(serving, base, '/healthz');
    const publicMetrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(publicMetrics.status, 404);
    assert.equal((await fetch(`${metricsBase}/metrics`)).status, 401);
    const scraped = await fetch(`${metricsBase}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(scraped.status, 200);
    assert.match(await scraped.text(), /^ads_serving_decisions_total /m);
    assert.equal((await fetch(`${metricsBase}/rpc`, { method: 'POST' })).status, 404, 'the metrics port serves nothing else');
  } finally {
    await serving.stop();
  }
});

test('a production process with a published or short tracking secret does not start, and says why', async () => {
  for (const secret of [
    'replace-with-a-long-random-string',
    'dev-only-tracking-secret-do-not-use-in-production',
    randomBytes(24).toString('base64'),
  ]) {
    const serving = startServing({ NODE_ENV: 'production', PORT: String(await freePort()), TRACKING_SECRET: secret });
    const code = await serving.exited;
    assert.equal(code, 3, serving.output());
    assert.match(serving.output(), /TRACKING_SECRET: .*openssl rand -base64 48/);
  }
});
