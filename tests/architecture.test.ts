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
        if (specifier === 'prisma' || specifier.startsWith('@prisma/') || specifier === 'pg')
          offences.push(`${relative(root, file)} imports ${specifier}`);
      }
    }
  }
  assert.deepEqual(offences, []);
});

test('ads-client is imported through its public entry points only', () => {
  const clientManifest = packages.find(({ manifest }) => manifest.name === CLIENT_NAME)!.manifest as { exports?: Record<string, unknown> };
  const entryPoints = Object.keys(clientManifest.exports ?? {}).map((entry) =>
    entry === '.' ? CLIENT_NAME : `${CLIENT_NAME}/${entry.slice(2)}`,
  );
  assert.deepEqual(
    entryPoints,
    [CLIENT_NAME, `${CLIENT_NAME}/service`, `${CLIENT_NAME}/time`, `${CLIENT_NAME}/inventory`, `${CLIENT_NAME}/forecast`],
    'ads-client has its index, the service kit and the browser-safe time helpers, inventory and forecast contracts as entry points',
  );
  const offences: string[] = [];
  for (const { dir } of packages) {
    for (const file of sourceFiles(join(root, dir))) {
      for (const specifier of importsOf(file)) {
        if ((specifier.startsWith(`${CLIENT_NAME}/`) && !entryPoints.includes(specifier)) || /libs\/ads-client\/src\//.test(specifier)) {
          offences.push(`${relative(root, file)} imports ${specifier}`);
        }
      }
    }
  }
  assert.deepEqual(offences, []);
});

// The service layout of the root README ("How a service is laid out").
const services = packages.filter(({ dir }) => dir.startsWith('services/')).map(({ dir }) => dir);
const LAYERS = ['app', 'cli', 'domain', 'http', 'store'];
const TOP_LEVEL_FILES = ['main.ts', 'config.ts', 'index.ts', 'errors.ts'];
const isTest = (file: string): boolean => /\.test\.tsx?$/.test(file);
const productionFiles = (dir: string): string[] =>
  sourceFiles(join(root, dir, 'src')).filter((file) => !isTest(file) && !file.includes(`${join('src', 'generated')}`));

test('every service has src/main.ts and keeps its code in the named layers', () => {
  const offences: string[] = [];
  for (const dir of services) {
    if (!existsSync(join(root, dir, 'src', 'main.ts'))) offences.push(`${dir} has no src/main.ts`);
    for (const name of readdirSync(join(root, dir, 'src'))) {
      const path = join(root, dir, 'src', name);
      if (statSync(path).isDirectory()) {
        if (!LAYERS.includes(name) && name !== 'generated') offences.push(`${dir}/src/${name}/ is not one of ${LAYERS.join(', ')}`);
      } else if (!TOP_LEVEL_FILES.includes(name) && !isTest(name)) {
        offences.push(`${dir}/src/${name} belongs in a layer folder (${LAYERS.join(', ')})`);
      }
    }
  }
  assert.deepEqual(offences, []);
});

test('src/config.ts is the only reader of process.env in a service', () => {
  const offences = services.flatMap((dir) =>
    productionFiles(dir)
      .filter((file) => !file.endsWith(join('src', 'config.ts')) && /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file)),
  );
  assert.deepEqual(offences, []);
});

const IO_MODULES =
  /^(node:)?(fs|fs\/promises|http|https|http2|net|dns|child_process|cluster|worker_threads|readline)$|^(ioredis|undici|pg|express|bullmq|pino|pino-http|commander|cli-progress|node-cron)$|^@prisma\//;

test('domain/ is free of I/O: no I/O module and no other layer is imported', () => {
  const offences: string[] = [];
  for (const dir of services) {
    for (const file of productionFiles(dir).filter((path) => path.includes(`${join('src', 'domain')}/`))) {
      for (const specifier of importsOf(file)) {
        if (
          IO_MODULES.test(specifier) ||
          specifier === `${CLIENT_NAME}/service` ||
          /^\.\.\/(app|cli|http|store|config|main)\b/.test(specifier)
        ) {
          offences.push(`${relative(root, file)} imports ${specifier}`);
        }
      }
    }
  }
  assert.deepEqual(offences, []);
});

test('services build Redis connections, loggers and errors from the service kit', () => {
  const offences: string[] = [];
  for (const dir of services) {
    for (const file of productionFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      if (/new Redis\(/.test(text))
        offences.push(`${relative(root, file)} opens Redis itself (use connectRedis of ${CLIENT_NAME}/service)`);
      if (/\bpino\(/.test(text)) offences.push(`${relative(root, file)} creates a pino logger itself (use createLogger)`);
      if (/class \w+ extends Error\b/.test(text))
        offences.push(`${relative(root, file)} declares an error outside the catalogue (use serviceErrorClass)`);
    }
  }
  assert.deepEqual(offences, []);
});

// A file is named after what it exports: some word of its name (beyond the role words below)
// is a word of an exported name. Grab-bag names say nothing of what is inside.
const ROLE_WORDS = new Set([
  'store',
  'stores',
  'route',
  'routes',
  'rules',
  'job',
  'jobs',
  'command',
  'reader',
  'writer',
  'connection',
  'connections',
  'backend',
  'server',
  'client',
  'errors',
  'error',
  'display',
  'output',
  'table',
  'page',
  'pages',
  'source',
]);
const GRAB_BAG = /(^|-)(helpers?|utils?|misc|common|shared|stuff|support|lib)(-|$)/;
const wordsOf = (identifier: string): string[] =>
  (identifier.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((word) => word.toLowerCase());

function exportedNames(text: string): string[] {
  const declared = [
    ...text.matchAll(
      /export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:const|let|function\*?|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g,
    ),
  ].map((match) => match[1]!);
  const listed = [...text.matchAll(/export\s*(?:type\s*)?\{([^}]*)\}/g)].flatMap((match) =>
    match[1]!.split(',').map((part) =>
      part
        .trim()
        .split(/\s+as\s+/)
        .pop()!
        .replace(/^type\s+/, ''),
    ),
  );
  return [...declared, ...listed].filter((name) => name.length > 0);
}

test('files are named after what they export, and no file is a grab-bag', () => {
  const offences: string[] = [];
  const roots = [...services.map((dir) => join(dir, 'src')), 'libs/ads-client/src'];
  for (const sourceRoot of roots) {
    for (const file of sourceFiles(join(root, sourceRoot)).filter(
      (path) => !isTest(path) && !path.includes('generated') && /\.tsx?$/.test(path),
    )) {
      const base = file
        .split('/')
        .pop()!
        .replace(/\.tsx?$/, '');
      if (['main', 'index', 'config', 'errors'].includes(base)) continue;
      // Contracts are schema namespaces, named after the part of the domain they describe.
      if (file.includes(`${join('src', 'contracts')}/`)) continue;
      if (GRAB_BAG.test(base)) {
        offences.push(`${relative(root, file)} is a grab-bag name`);
        continue;
      }
      const names = exportedNames(readFileSync(file, 'utf8'));
      // A command script (cli/ without exports) is named after the command it runs.
      if (names.length === 0 && file.includes(`${join('src', 'cli')}/`)) continue;
      const fileWords = base.split('-');
      const meaningful = fileWords.filter((word) => !ROLE_WORDS.has(word));
      const exported = new Set(names.flatMap(wordsOf));
      const named = (meaningful.length > 0 ? meaningful : fileWords).some((word) =>
        [...exported].some((part) => part.startsWith(word.slice(0, 5)) || (part.length >= 4 && word.startsWith(part.slice(0, 5)))),
      );
      if (!named) offences.push(`${relative(root, file)} exports ${names.slice(0, 4).join(', ') || 'nothing'}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('the import scanner sees static, dynamic and re-export imports (self-test)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arch-'));
  const file = join(dir, 'sample.ts');
  writeFileSync(
    file,
    `import { x } from '@ads/ads-client/src/rpc/rpc-server';\nexport { y } from './y';\nconst z = await import('../../services/ads-data-api/src/main');\n`,
  );
  assert.deepEqual(importsOf(file), ['@ads/ads-client/src/rpc/rpc-server', './y', '../../services/ads-data-api/src/main']);
});
