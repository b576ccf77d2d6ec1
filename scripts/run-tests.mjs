#!/usr/bin/env node
// Runs every test of the repository (or of the package folders given as arguments) in one
// `node --test` invocation, so that CI reads a single summary at the end.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = process.argv.slice(2);
const packageDirs =
  args.length > 0 ? args.map((dir) => resolve(process.cwd(), dir)) : [root, ...rootPackage.workspaces.map((dir) => join(root, dir))];

const skipped = new Set(['node_modules', 'dist', 'generated', '.git']);

function findTests(dir, found = []) {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    if (skipped.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, found);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.mjs')) found.push(path);
  }
  return found;
}

const files = packageDirs.flatMap((dir) =>
  dir === root ? findTests(join(root, 'tests')) : [...findTests(join(dir, 'src')), ...findTests(join(dir, 'tests'))],
);
if (files.length === 0) {
  console.log('0 passed, 0 failed');
  console.error('no test files found');
  process.exit(1);
}
console.log(`running ${files.length} test files:\n  ${files.map((f) => relative(root, f)).join('\n  ')}`);
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--conditions=@ads/source', '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
