import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KNOWN_PLACEHOLDER_SECRETS, checkProductionSecret, productionSecretProblems, secretStrengthBits } from './production-secret.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

test('every value written in the repository is refused, in any case, with the variable and the recipe', () => {
  for (const known of KNOWN_PLACEHOLDER_SECRETS) {
    for (const value of [known, known.toUpperCase(), ` ${known}\n`]) {
      const problem = checkProductionSecret('TRACKING_SECRET', value);
      assert.ok(problem !== undefined, `${JSON.stringify(value)} is refused`);
      assert.match(problem, /^TRACKING_SECRET: /);
      assert.match(problem, /openssl rand -base64 48/);
    }
  }
  // Long enough, but somebody's example.
  assert.match(checkProductionSecret('METRICS_TOKEN', `replace-with-${randomBytes(48).toString('base64')}`)!, /placeholder/);
});

test('short and predictable secrets are refused', () => {
  const cases: [string, RegExp][] = [
    ['short-secret', /12 characters/],
    [randomBytes(31).toString('base64url').slice(0, 42), /42 characters/],
    // 31 random bytes in hex: 62 characters of a 16-character alphabet, 248 bits.
    [randomBytes(31).toString('hex'), /too predictable/],
    ['a'.repeat(64), /too predictable/],
    ['0123456789'.repeat(5), /too predictable/],
    ['abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc', /too predictable/],
  ];
  for (const [value, expected] of cases) assert.match(checkProductionSecret('DASHBOARD_PASSWORD', value) ?? 'accepted', expected, value);
});

test('random secrets of 32 bytes or more are accepted; unset is left to the service', () => {
  for (let round = 0; round < 200; round += 1) {
    assert.equal(checkProductionSecret('TRACKING_SECRET', randomBytes(48).toString('base64')), undefined, 'openssl rand -base64 48');
    assert.equal(checkProductionSecret('TRACKING_SECRET', randomBytes(32).toString('base64')), undefined, 'openssl rand -base64 32');
    assert.equal(checkProductionSecret('TRACKING_SECRET', randomBytes(32).toString('hex')), undefined, 'openssl rand -hex 32');
    // The data API's key format: ads_ and 43 base64url characters.
    assert.equal(checkProductionSecret('DATA_API_TOKEN', `ads_${randomBytes(32).toString('base64url')}`), undefined, 'an API key');
  }
  assert.equal(checkProductionSecret('TRACKING_SECRET_PREVIOUS', undefined), undefined);
  assert.equal(checkProductionSecret('TRACKING_SECRET_PREVIOUS', ''), undefined);
  assert.equal(Math.round(secretStrengthBits(randomBytes(32).toString('hex'))), 256);
});

test('productionSecretProblems applies the rule in production only, one message per variable', () => {
  const secrets = {
    TRACKING_SECRET: 'dev-only-tracking-secret-do-not-use-in-production',
    METRICS_TOKEN: 'short',
    DATA_API_TOKEN: randomBytes(48).toString('base64'),
  };
  assert.deepEqual(productionSecretProblems('development', secrets), []);
  assert.deepEqual(productionSecretProblems(undefined, secrets), []);
  const problems = productionSecretProblems('production', secrets);
  assert.deepEqual(
    problems.map((problem) => problem.split(':')[0]),
    ['TRACKING_SECRET', 'METRICS_TOKEN'],
  );
});

// Any secret-looking value written in the repository must be refused in production: a new
// example or fixture of 43 characters or more belongs in KNOWN_PLACEHOLDER_SECRETS.
test('no secret value written in the repository would pass in production', () => {
  const skipped = new Set(['node_modules', 'dist', 'generated', '.git', '.stack', 'artifacts', 'coverage']);
  const assignment = /\b\w*(?:SECRET|TOKEN|PASSWORD)\w*['"]?\s*[:=]\s*['"`]?([^'"`\s${},;)]{8,})/g;
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (skipped.has(name)) continue;
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (
        /\.(ts|tsx|mjs|js|ya?ml|md|sh|example|cfg|json)$/.test(name) &&
        stat.size < 1_000_000 &&
        !path.endsWith('production-secret.ts')
      ) {
        for (const match of readFileSync(path, 'utf8').matchAll(assignment)) {
          const value = match[1]!;
          // Code (a property read, a call), not a literal value.
          if (
            /^(process|env|options|config|this|keys|seed|ready|stack|secret|undefined|null|true|false)\b/.test(value) ||
            /[()[\]]/.test(value)
          )
            continue;
          if (checkProductionSecret('X', value) === undefined) found.push(`${relative(repoRoot, path)}: ${value}`);
        }
      }
    }
  };
  walk(repoRoot);
  assert.deepEqual(found, [], 'add these to KNOWN_PLACEHOLDER_SECRETS (or stop writing them down)');
});
