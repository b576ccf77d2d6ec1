// The local stack launcher's secrets: the tracking secret (and the /metrics token) are random
// per state directory, written there before anything starts, and read back on the next start,
// so a restart keeps beacons signed before it valid. The launcher is run for real against a
// PostgreSQL address nobody listens on: it makes its secrets, then stops at the database check.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS, checkProductionSecret } from '@ads/ads-client';
import { freePort, repoRoot } from './support/processes';

const stateDirs: string[] = [];

after(() => {
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

function newStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ads-stack-secrets-'));
  stateDirs.push(dir);
  return dir;
}

/** Runs the launcher until it gives up on PostgreSQL; returns its exit code and output. */
async function launchWithoutDatabase(stateDir: string): Promise<{ code: number | null; output: string }> {
  const closedPort = await freePort();
  const child = spawn(process.execPath, ['--conditions=@ads/source', '--import', 'tsx', 'infra/local/start-stack.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TRACKING_SECRET: '',
      METRICS_TOKEN: '',
      STACK_STATE_DIR: stateDir,
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/none`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

function secretsOf(stateDir: string): { trackingSecret: string; metricsToken: string } {
  return JSON.parse(readFileSync(join(stateDir, 'secrets.json'), 'utf8')) as { trackingSecret: string; metricsToken: string };
}

test('the launcher makes a random tracking secret per state directory and keeps it across restarts', async () => {
  const first = newStateDir();
  const other = newStateDir();
  const run = await launchWithoutDatabase(first);
  assert.equal(run.code, 4, run.output);
  assert.match(run.output, /PostgreSQL does not answer/);
  const secrets = secretsOf(first);
  for (const [name, value] of Object.entries(secrets)) {
    assert.equal(checkProductionSecret(name, value), undefined, `${name} would pass in production`);
    assert.ok(!KNOWN_PLACEHOLDER_SECRETS.includes(value));
  }
  assert.notEqual(secrets.trackingSecret, secrets.metricsToken);
  assert.equal(statSync(join(first, 'secrets.json')).mode & 0o777, 0o600, 'only its owner reads the secrets');

  await launchWithoutDatabase(first);
  assert.deepEqual(secretsOf(first), secrets, 'a restart keeps the secrets');

  await launchWithoutDatabase(other);
  assert.notEqual(secretsOf(other).trackingSecret, secrets.trackingSecret, 'another state directory gets its own');

  // A damaged file is named, not silently replaced (beacons signed with it would be lost).
  writeFileSync(join(other, 'secrets.json'), '{"trackingSecret": ');
  const damaged = await launchWithoutDatabase(other);
  assert.equal(damaged.code, 6);
  assert.match(damaged.output, /secrets\.json is not JSON/);
});
