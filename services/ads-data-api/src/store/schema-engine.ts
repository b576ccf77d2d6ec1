import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import pg from 'pg';

import { DataApiError } from '../errors';
import type { Logger } from 'pino';
import { poolConfigOf } from './database-url';

const require = createRequire(import.meta.url);

/** The part of the schema engine's API that the migration tooling uses. */
export type SchemaEngineCommands = Pick<SchemaEngine, 'applyMigrations' | 'diff' | 'diagnoseMigrationHistory'>;

/** A running schema engine bound to one database; `close()` frees it and its connections. */
export interface SchemaEngineSession {
  readonly engine: SchemaEngineCommands;
  /** Runs one engine command and turns its failures into `DataApiError`s with `errorCode`. */
  run<T>(
    command: string,
    call: (engine: SchemaEngineCommands) => Promise<T>,
    errorCode?: 'SCHEMA_ENGINE_FAILED' | 'MIGRATION_FAILED',
  ): Promise<T>;
  close(): Promise<void>;
}

export interface SchemaEngineOptions {
  /** Database the engine connects to; shadow databases are created on the same server. */
  databaseUrl: string;
  /** Prisma schema files as [path, content] pairs, when the command needs a datamodel. */
  schemaFiles?: Array<[string, string]>;
  /** Where the engine's own log lines (debug) and panics go. */
  logger: Logger;
}

type SchemaEngineClass = typeof SchemaEngine;

let schemaEngineClass: Promise<SchemaEngineClass> | undefined;

// The part of the WebAssembly global used here. lib ES2023 and @types/node 20 do not declare
// it, and the DOM lib would bring browser globals into a server package.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  RuntimeError: new (message?: string) => Error;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/**
 * Where the wasm module reports the message of a Rust panic just before trapping (Prisma's CLI
 * installs the same global). A trap can surface outside any promise of ours and end the
 * process, so the message is logged at once as well as kept for the error we raise.
 */
const panicRegistry = {
  message: '',
  /** The logger of the session opened last (one engine runs at a time in a command). */
  logger: undefined as Logger | undefined,
  set_message(message: string) {
    panicRegistry.message = message;
    panicRegistry.logger?.error({ component: 'schema-engine', panic: message }, 'schema engine panicked');
  },
};

function loadSchemaEngineClass(): Promise<SchemaEngineClass> {
  schemaEngineClass ??= (async () => {
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof panicRegistry }).PRISMA_WASM_PANIC_REGISTRY ??= panicRegistry;
    const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmBytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
    const imports: Record<string, unknown> = { ...glue };
    // The engine arms 10 s timers (e.g. around its migration advisory lock) and never clears
    // them, which would hold a finished process open for 10 s. They only ever race real I/O,
    // so they need not keep the process alive on their own.
    for (const name of Object.keys(imports).filter((key) => key.startsWith('__wbg_setTimeout_'))) {
      const armTimer = imports[name] as (callback: () => void, milliseconds: number) => unknown;
      imports[name] = (callback: () => void, milliseconds: number) => {
        const timer = armTimer(callback, milliseconds);
        (timer as { unref?: () => void }).unref?.();
        return timer;
      };
    }
    const instance = new webAssembly.Instance(new webAssembly.Module(wasmBytes), {
      './schema_engine_bg.js': imports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  return schemaEngineClass;
}

const pgCharOid = 18; // the one-byte "char" of pg_catalog columns such as pg_constraint.contype
const pgTextOid = 25;
/** Result rows (by identity) → indices of their `"char"` columns; see adaptForSchemaEngine. */
const charColumnsOfRows = new WeakMap<object, number[]>();

/**
 * Adjusts an adapter-pg connection to what the schema engine needs:
 *
 * * adapter-pg runs a script by splitting it on ";" and sending each piece on its own, which
 *   breaks any statement holding a semicolon in a literal or a function body, and commits a
 *   failed migration halfway. Send the script whole instead: PostgreSQL runs a multi-statement
 *   simple query as one implicit transaction, as with the native schema engine.
 * * adapter-pg 7.10 has no column type for `"char"`, which the engine's catalogue queries
 *   return (e.g. pg_constraint.contype), so describing a database (any `diff` from
 *   migrations) fails with "Column type 'char' could not be deserialized". Let adapter-pg read
 *   it as text, then tell the engine it is a Character column, which is what it expects.
 * * The engine does not always dispose what it connected (e.g. on free()): dispose once, here
 *   or there.
 */
function adaptForSchemaEngine<A extends SqlDriverAdapter>(adapter: A, releases: Set<() => Promise<void>>): A {
  const internals = adapter as unknown as {
    underlyingDriver(): pg.Pool;
    onError(error: unknown): never;
    performIO(query: unknown): Promise<pg.QueryArrayResult>;
  };
  const pool = internals.underlyingDriver();
  const convertError = internals.onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      convertError(error);
    }
  };

  const performIO = internals.performIO.bind(adapter);
  internals.performIO = async (query) => {
    const result = await performIO(query);
    const charColumns: number[] = [];
    result.fields.forEach((field, index) => {
      if (field.dataTypeID !== pgCharOid) return;
      field.dataTypeID = pgTextOid;
      charColumns.push(index);
    });
    if (charColumns.length > 0) charColumnsOfRows.set(result.rows, charColumns);
    return result;
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    for (const index of charColumnsOfRows.get(resultSet.rows) ?? []) {
      resultSet.columnTypes[index] = ColumnTypeEnum.Character;
    }
    return resultSet;
  };

  const dispose = adapter.dispose.bind(adapter);
  let disposed: Promise<void> | undefined;
  const disposeOnce = () => (disposed ??= dispose());
  adapter.dispose = disposeOnce;
  releases.add(disposeOnce);
  return adapter;
}

/**
 * A throw-away database next to `databaseUrl`, dropped on dispose. adapter-pg has its own,
 * but it drops the database before closing its pool, which PostgreSQL refuses ("being
 * accessed by other users"), leaving shadow databases behind.
 */
async function connectToShadowDatabase(databaseUrl: string): Promise<SqlDriverAdapter> {
  const shadowName = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
  const runOnServer = async (sql: string) => {
    const client = new pg.Client(poolConfigOf(databaseUrl));
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await runOnServer(`CREATE DATABASE "${shadowName}"`);
  const shadow = await new PrismaPg({ ...poolConfigOf(databaseUrl), database: shadowName }).connect();
  const closePool = shadow.dispose.bind(shadow);
  shadow.dispose = async () => {
    await closePool();
    await runOnServer(`DROP DATABASE IF EXISTS "${shadowName}" WITH (FORCE)`);
  };
  return shadow;
}

/**
 * Starts the Prisma schema engine (WebAssembly build) on a PostgreSQL database through the
 * pg driver adapter. Used by the migrate and diff commands and by the test template.
 */
export async function openSchemaEngine(options: SchemaEngineOptions): Promise<SchemaEngineSession> {
  const SchemaEngineWasm = await loadSchemaEngineClass();
  const main = new PrismaPg(poolConfigOf(options.databaseUrl));
  const releases = new Set<() => Promise<void>>();
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => adaptForSchemaEngine(await main.connect(), releases),
    connectToShadowDb: async () => adaptForSchemaEngine(await connectToShadowDatabase(options.databaseUrl), releases),
  };
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  const engineLog = options.logger.child({ component: 'schema-engine' });
  panicRegistry.logger = options.logger;

  // Driver errors reach us already folded into the engine's error (the engine consumes them
  // from the adapter's error registry); engine errors carry a Prisma code such as P3018.
  const explain = (
    command: string,
    error: unknown,
    errorCode: 'SCHEMA_ENGINE_FAILED' | 'MIGRATION_FAILED' = 'SCHEMA_ENGINE_FAILED',
  ): DataApiError => {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    // Engine messages end with a Rust span trace ("   0: schema_engine_wasm::…"): keep it out
    // of the one-line explanation; it stays in the cause.
    let message = (error instanceof Error ? error.message : JSON.stringify(error)).split(/\n\s+0: /)[0]!.trim();
    if (error instanceof webAssembly.RuntimeError && panicRegistry.message) {
      message = `panic: ${panicRegistry.message}`;
      panicRegistry.message = '';
    }
    return new DataApiError(errorCode, `schema engine ${command} failed${code ? ` (${code})` : ''}: ${message}`, { cause: error });
  };

  let engine: SchemaEngine;
  try {
    engine = await SchemaEngineWasm.new(
      { datamodels: options.schemaFiles },
      (line: string) => engineLog.debug({ engine: line }, 'schema engine log'),
      adapter,
    );
  } catch (error) {
    await Promise.allSettled([...releases].map((release) => release()));
    throw explain('start', error);
  }

  return {
    engine,
    async run(command, call, errorCode) {
      try {
        return await call(engine);
      } catch (error) {
        throw explain(command, error, errorCode);
      }
    },
    async close() {
      engine.free();
      const results = await Promise.allSettled([...releases].map((release) => release()));
      for (const result of results) {
        if (result.status === 'rejected') {
          engineLog.warn({ err: result.reason }, 'closing a schema engine connection failed');
        }
      }
    },
  };
}
