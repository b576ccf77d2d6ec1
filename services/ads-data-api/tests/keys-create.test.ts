// `npm run keys:create` and `npm run db:seed -- --json`, as scripts and tests use them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { authenticateApiKey } from '../src/store/api-key-store';
import { testLogger } from './support/test-logger';
import { createAdvertiser } from './support/inventory-fixtures';
import { runPackageScript } from './support/run-package-script';
import { createTestDatabase, type MigratedTestDatabase } from './support/test-database';

let database: MigratedTestDatabase;

before(async () => {
  database = await createTestDatabase();
});
after(async () => {
  await database?.drop();
});

function jsonOf(stdout: string): Record<string, unknown> {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('{') && !candidate.includes('"level"'));
  assert.ok(line, `no JSON line in:\n${stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('npm run db:seed -- --json', () => {
  it('prints one JSON line with working admin and service keys', async () => {
    const result = await runPackageScript('db:seed', { databaseUrl: database.url, args: ['--json'] });
    assert.equal(result.exitCode, 0, result.stderr);
    const seed = jsonOf(result.stdout) as { adminKey: string; serviceKey: string; importerKey: string; counts: { ads: number } };
    assert.equal(seed.counts.ads, 300);
    assert.equal((await authenticateApiKey(database.prisma, seed.adminKey, testLogger))?.role, 'admin');
    assert.equal((await authenticateApiKey(database.prisma, seed.serviceKey, testLogger))?.role, 'service');
    assert.equal((await authenticateApiKey(database.prisma, seed.importerKey, testLogger))?.role, 'importer');
  });
});

describe('npm run keys:create', () => {
  it('creates a service key, prints its secret once, and audits the creation', async () => {
    const result = await runPackageScript('keys:create', {
      databaseUrl: database.url,
      args: ['--role', 'service', '--name', 'cache-warming'],
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const secret = /^\s+(ads_\S+)$/m.exec(result.stdout)?.[1];
    assert.ok(secret, result.stdout);
    const principal = await authenticateApiKey(database.prisma, secret, testLogger);
    assert.equal(principal?.role, 'service');
    const audit = await database.prisma.auditLog.findFirst({ where: { entityId: principal.keyId } });
    assert.equal(audit?.action, 'api_key.create');
    assert.ok(!JSON.stringify(audit).includes(secret), 'the secret is not in the audit log');
  });

  it('creates an importer key for feed imports', async () => {
    const result = await runPackageScript('keys:create', {
      databaseUrl: database.url,
      args: ['--role', 'importer', '--name', 'feed-imports', '--json'],
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const key = jsonOf(result.stdout) as { secret: string; role: string; advertiserId: string | null };
    assert.deepEqual([key.role, key.advertiserId], ['importer', null]);
    assert.equal((await authenticateApiKey(database.prisma, key.secret, testLogger))?.role, 'importer');
  });

  it('creates an advertiser key scoped to its advertiser, with --json', async () => {
    const advertiser = await createAdvertiser(database.prisma);
    const result = await runPackageScript('keys:create', {
      databaseUrl: database.url,
      args: ['--role', 'advertiser', '--advertiser', advertiser.id, '--name', 'Acme dashboard', '--json'],
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const key = jsonOf(result.stdout) as { secret: string; advertiserId: string; role: string };
    assert.equal(key.advertiserId, advertiser.id);
    assert.deepEqual(
      await authenticateApiKey(database.prisma, key.secret, testLogger).then((principal) => principal?.advertiserId),
      advertiser.id,
    );
  });

  it('refuses bad flags with exit code 2 and a message naming the flag, creating nothing', async () => {
    const before = await database.prisma.apiKey.count();
    const cases: Array<[string[], RegExp]> = [
      [['--role', 'root', '--name', 'x'], /--role/],
      [['--role', 'service'], /--name/],
      [['--role', 'advertiser', '--name', 'x'], /advertiser/],
      [['--role', 'advertiser', '--advertiser', '01900000-0000-7000-8000-000000000000', '--name', 'x'], /no advertiser/],
      [['--role', 'service', '--advertiser', '01900000-0000-7000-8000-000000000000', '--name', 'x'], /advertiser/],
      [['--role', 'service', '--name', 'x', '--colour', 'red'], /colour/],
    ];
    const results = await Promise.all(cases.map(([args]) => runPackageScript('keys:create', { databaseUrl: database.url, args })));
    for (const [index, [args, message]] of cases.entries()) {
      const result = results[index]!;
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.equal(await database.prisma.apiKey.count(), before);
  });
});
