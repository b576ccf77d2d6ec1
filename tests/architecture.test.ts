// Enforces the polyrepo discipline of DESIGN.md: services never import each other, only
// ads-data-api touches the database, and ads-client is used through its public index only.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
const packages = rootPackage.workspaces.map((dir) => ({
  dir,
  manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  },
}));
const DATABASE_OWNER = 'services/ads-data-api';
const CLIENT_NAME = '@ads/ads-client';

function sourceFiles(dir: string, found: string[] = []): string[] {
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'dist', 'generated'].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, found);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name)) found.push(path);
  }
  return found;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) specifiers.push((match[1] ?? match[2] ?? match[3])!);
  return specifiers;
}

test('every workspace package has a name, a version, scripts and a README', () => {
  for (const { dir, manifest } of packages) {
    assert.ok(manifest.name, `${dir} has a name`);
    assert.ok((manifest as { version?: string }).version, `${dir} has a version`);
    assert.ok(existsSync(join(root, dir, 'README.md')), `${dir} has a README`);
  }
});

test('no package imports another package by relative path', () => {
  const offences: string[] = [];
  for (const { dir } of packages) {
    const packageRoot = join(root, dir);
    for (const file of sourceFiles(packageRoot)) {
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const target = resolve(dirname(file), specifier);
        if (!target.startsWith(packageRoot)) offences.push(`${relative(root, file)} imports ${specifier}`);
      }
    }
  }
  assert.deepEqual(offences, []);
});

test('services never depend on or import each other', () => {
  const serviceNames = packages.filter(({ dir }) => dir.startsWith('services/')).map(({ manifest }) => manifest.name);
  const offences: string[] = [];
  for (const { dir, manifest } of packages) {
    const declared = { ...manifest.dependencies, ...manifest.devDependencies };
    for (const name of serviceNames) {
      if (name !== manifest.name && name in declared) offences.push(`${dir} depends on ${name}`);
    }
    for (const file of sourceFiles(join(root, dir))) {
      for (const specifier of importsOf(file)) {
        if (serviceNames.some((name) => name !== manifest.name && (specifier === name || specifier.startsWith(`${name}/`)))) {
          offences.push(`${relative(root, file)} imports ${specifier}`);
        }
      }
    }
  }
  assert.deepEqual(offences, []);
});

test('only ads-data-api depends on Prisma or reads DATABASE_URL', () => {
  const offences: string[] = [];
  for (const { dir, manifest } of packages) {
    if (dir === DATABASE_OWNER) continue;
    const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    for (const name of declared) {
      if (name === 'prisma' || name.startsWith('@prisma/') || name === 'pg') offences.push(`${dir} depends on ${name}`);
    }
    for (const file of sourceFiles(join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      if (text.includes('DATABASE_URL')) offences.push(`${relative(root, file)} reads DATABASE_URL`);
      for (const specifier of importsOf(file)) {
        if (specifier === 'prisma' || specifier.startsWith('@prisma/') || specifier === 'pg') offences.push(`${relative(root, file)} imports ${specifier}`);
      }
    }
  }
  assert.deepEqual(offences, []);
});

test('ads-client is imported through its public index only', () => {
  const offences: string[] = [];
  for (const { dir } of packages) {
    for (const file of sourceFiles(join(root, dir))) {
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(`${CLIENT_NAME}/`) || /libs\/ads-client\/src\//.test(specifier)) {
          offences.push(`${relative(root, file)} imports ${specifier}`);
        }
      }
    }
  }
  assert.deepEqual(offences, []);
  const clientManifest = packages.find(({ manifest }) => manifest.name === CLIENT_NAME)!.manifest as { exports?: Record<string, string> };
  assert.deepEqual(Object.keys(clientManifest.exports ?? {}), ['.'], 'ads-client exports only its index');
});

test('the import scanner sees static, dynamic and re-export imports (self-test)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arch-'));
  const file = join(dir, 'sample.ts');
  writeFileSync(file, `import { x } from '@ads/ads-client/src/rpc/rpc-server';\nexport { y } from './y';\nconst z = await import('../../services/ads-data-api/src/main');\n`);
  assert.deepEqual(importsOf(file), ['@ads/ads-client/src/rpc/rpc-server', './y', '../../services/ads-data-api/src/main']);
});
