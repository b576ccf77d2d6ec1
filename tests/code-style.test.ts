// The linter and the formatter are part of the test run, so CI fails on a lint error or an
// unformatted file. `npm run lint` and `npm run format:check` run the same checks alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(bin(command), args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('ESLint (typescript-eslint, type-checked rules) finds nothing on the tree', () => {
  const { status, output } = run('eslint', ['.', '--max-warnings=0', '--cache', '--cache-location', 'node_modules/.cache/eslint/']);
  assert.equal(status, 0, output);
});

test('every file is formatted by Prettier', () => {
  const { status, output } = run('prettier', ['--check', '.', '--log-level', 'warn']);
  assert.equal(status, 0, output);
});
