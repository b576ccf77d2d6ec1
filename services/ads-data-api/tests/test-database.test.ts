// The test-support module itself: parallel callers share one migrated template.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import pg from 'pg';

import { loadConfig } from '../src/config';

const config = loadConfig();
import { poolConfigOf, withDatabaseName } from '../src/store/database-url';
import { createTestDatabase, templateDatabaseName } from './support/test-database';

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client(poolConfigOf(withDatabaseName(config.databaseUrl, 'postgres')));
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('gives each caller its own migrated copy of the template, and drops it', async () => {
    const databases = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
    try {
      assert.equal(new Set(databases.map((database) => database.name)).size, 3);
      for (const database of databases) {
        assert.match(database.name, /^ads_test_[0-9a-f]{12}$/);
        const migrations = await database.prisma.$queryRawUnsafe<Array<{ count: bigint }>>(
          'SELECT count(*) AS count FROM _prisma_migrations WHERE finished_at IS NOT NULL',
        );
        assert.ok(Number(migrations[0]?.count) >= 1);
      }
      // Writes to one copy stay in that copy.
      await databases[0].prisma.site.create({ data: { name: 'Only here', domain: 'only.example', category: 'news' } });
      assert.equal(await databases[1].prisma.site.count(), 0);
    } finally {
      await Promise.all(databases.map((database) => database.drop()));
    }
    for (const database of databases) assert.equal(await databaseExists(database.name), false);
    assert.equal(await databaseExists(templateDatabaseName), true);
  });
});
