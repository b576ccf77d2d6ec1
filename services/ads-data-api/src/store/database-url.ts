import type { PoolConfig } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

import { DataApiError } from '../errors';

const databaseNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** The database name in a postgresql:// URL, e.g. `ads`. */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(parseUrl(databaseUrl).pathname.replace(/^\//, ''));
  if (!databaseNamePattern.test(name)) {
    throw new DataApiError(
      'DATABASE_URL_INVALID',
      `database name "${name}" in DATABASE_URL must match ${databaseNamePattern} (lower case, digits, underscores)`,
    );
  }
  return name;
}

/** The same server and credentials, another database. */
export function withDatabaseName(databaseUrl: string, databaseName: string): string {
  const url = parseUrl(databaseUrl);
  url.pathname = `/${encodeURIComponent(databaseName)}`;
  return url.toString();
}

/**
 * A `pg` pool configuration with every field spelled out. Prefer it to `{ connectionString }`
 * wherever a copy of the configuration overrides `database` (as adapter-pg does for shadow
 * databases): `pg` lets a connection string win over explicit fields.
 */
export function poolConfigOf(databaseUrl: string): PoolConfig {
  parseUrl(databaseUrl);
  return parseIntoClientConfig(databaseUrl);
}

function parseUrl(databaseUrl: string): URL {
  try {
    return new URL(databaseUrl);
  } catch (error) {
    throw new DataApiError('DATABASE_URL_INVALID', 'DATABASE_URL is not a valid URL', { cause: error });
  }
}
