// @ads/ads-client as a user gets it: `npm pack` (which builds dist/), `npm install <tarball>`
// in a project outside the workspace, then plain `node` (no tsx, no export conditions) running
// the typed RPC client, the dynamic client and the REST client against a real ads-data-api on
// PostgreSQL, and the workspace's tsc checking a TypeScript consumer under nodenext resolution.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { repoRoot } from './support/processes';
import {
  createStackDatabase,
  seedStackDatabase,
  startDataApi,
  type RunningDataApi,
  type StackDatabase,
  type StackSeed,
} from './support/stack';

const run = promisify(execFile);
const CLIENT_DIR = join(repoRoot, 'libs/ads-client');
const CONSUMER_FILES = join(repoRoot, 'tests/support/published-client');
const TSC = join(repoRoot, 'node_modules/typescript/bin/tsc');
/** The workspace's @types/node, so that the install needs nothing the npm cache lacks. */
const TYPES_NODE_VERSION = (
  JSON.parse(readFileSync(join(repoRoot, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string }
).version;

interface PackedFile {
  path: string;
}
interface PackResult {
  filename: string;
  files: PackedFile[];
}
interface ClientManifest {
  exports: Record<string, string | Record<string, string>>;
}

let workDir: string;
let consumerDir: string;
let packed: PackResult;
let database: StackDatabase | undefined;
let seed: StackSeed;
let dataApi: RunningDataApi | undefined;
/** The consumer's typecheck, started as soon as the package is installed (it takes a while). */
let typecheck: Promise<string>;

/** A user's shell: none of the workspace's node options or npm settings leak into it. */
function userEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => name !== 'NODE_OPTIONS' && !name.toLowerCase().startsWith('npm_'));
  return { ...Object.fromEntries(inherited), ...extra };
}

async function packAndInstall(): Promise<void> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: CLIENT_DIR, maxBuffer: 16 * 1024 * 1024 });
  [packed] = JSON.parse(stdout) as [PackResult];
  cpSync(CONSUMER_FILES, consumerDir, { recursive: true });
  writeFileSync(join(consumerDir, 'package.json'), JSON.stringify({ name: 'ads-client-consumer', private: true, type: 'module' }));
  await run(
    'npm',
    ['install', join(workDir, packed.filename), `@types/node@${TYPES_NODE_VERSION}`, '--prefer-offline', '--no-audit', '--no-fund'],
    { cwd: consumerDir, env: userEnvironment() },
  );
}

async function startStack(): Promise<void> {
  database = await createStackDatabase();
  seed = await seedStackDatabase(database.url);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: `test:client-package:${randomUUID()}:` });
}

/** The errors tsc finds in the consumer project ('' when none). */
async function typecheckConsumer(): Promise<string> {
  try {
    await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: consumerDir, env: userEnvironment() });
    return '';
  } catch (error) {
    return (error as { stdout?: string }).stdout || String(error);
  }
}

/** Runs a script of the consumer project with plain node and parses the JSON line it prints. */
async function runConsumer(script: string): Promise<Record<string, unknown>> {
  const env = userEnvironment({ DATA_API_URL: dataApi!.url, SERVICE_KEY: seed.serviceKey, ADMIN_KEY: seed.adminKey });
  const { stdout } = await run(process.execPath, [script], { cwd: consumerDir, env, timeout: 30_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'ads-client-package-'));
  consumerDir = join(workDir, 'consumer');
  const installed = packAndInstall();
  typecheck = installed.then(typecheckConsumer, () => 'not installed');
  await Promise.all([installed, startStack()]);
});

after(async () => {
  await typecheck;
  await dataApi?.stop();
  await database?.drop();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  // The pack built dist/; left behind, it would hide a workspace command that lacks the
  // @ads/source condition (it would run this build instead of failing).
  rmSync(join(CLIENT_DIR, 'dist'), { recursive: true, force: true });
});

describe('the published @ads/ads-client', () => {
  it('ships the build, the sources its maps point at, README and CHANGELOG; no tests, benches or tsconfig', () => {
    const paths = packed.files.map((file) => file.path);
    for (const expected of [
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/index.js.map',
      'src/index.ts',
    ]) {
      assert.ok(paths.includes(expected), `the tarball has ${expected}`);
    }
    assert.deepEqual(
      paths.filter((path) => /(^|\/)(tests?|bench)\/|\.test\.|tsconfig/.test(path)),
      [],
      'no test, bench or tsconfig file',
    );
    const manifest = JSON.parse(readFileSync(join(consumerDir, 'node_modules/@ads/ads-client/package.json'), 'utf8')) as ClientManifest;
    const targets = Object.values(manifest.exports).flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.values(entry)));
    for (const target of targets) assert.ok(paths.includes(target.replace(/^\.\//, '')), `the exports target ${target} is in the tarball`);
  });

  it('runs from plain node as ESM: the typed RPC client, the dynamic client and the REST client', async () => {
    const read = await runConsumer('esm-consumer.mjs');
    assert.deepEqual(read.typed, { campaigns: 5, placements: 8, hasNextPage: true, refusal: 'INVALID_PARAMS' });
    const dynamic = read.dynamic as { methods: string[]; placements: number };
    assert.ok(dynamic.methods.includes('inventory.snapshot') && dynamic.methods.includes('placements.list'), dynamic.methods.join(', '));
    assert.equal(dynamic.placements, 3);
    assert.deepEqual(read.rest, { role: 'admin', advertisers: 2, missingCampaign: 'NOT_FOUND' });
  });

  it('loads from CommonJS require() too (Node 20.19 and later)', async () => {
    assert.deepEqual(await runConsumer('cjs-consumer.cjs'), { campaigns: 2 });
  });

  it('has declarations that typecheck a TypeScript consumer under moduleResolution nodenext', async () => {
    assert.equal(await typecheck, '', 'tsc finds no error in the consumer');
  });
});
