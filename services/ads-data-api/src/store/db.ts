import type { Prisma } from '../generated/prisma/client';

/** The Prisma client or a transaction of it: store functions take either. */
export type Db = Prisma.TransactionClient;

const lockableTables = ['advertiser', 'campaign', 'ad', 'site', 'placement', 'feature_switch', 'api_key'] as const;

/** A table whose rows writers lock before reading their version. */
export type LockableTable = (typeof lockableTables)[number];

/**
 * Locks one row for the rest of the transaction (SELECT … FOR UPDATE), so that reading its
 * version, checking rules and writing happen without a concurrent writer in between.
 * Returns whether the row exists.
 */
export async function lockRow(db: Db, table: LockableTable, id: string): Promise<boolean> {
  if (!lockableTables.includes(table)) throw new TypeError(`not a lockable table: ${table}`);
  // The table name comes from the list above, never from a request; the id is a parameter.
  const rows = await db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM "${table}" WHERE id = $1::uuid FOR UPDATE`, id);
  return rows.length > 0;
}
