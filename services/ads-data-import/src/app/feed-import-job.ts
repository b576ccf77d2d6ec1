import type { Readable } from 'node:stream';
import { RpcError, dataApi, dataApiContract } from '@ads/ads-client';
import type { z } from 'zod';
import type { Config } from '../config';
import type { FeedRowError, ValidFeedRow } from '../domain/feed-row';
import { columnOfPath } from '../domain/feed-columns';
import { FeedRowValidator, isNestedRow } from '../domain/feed-row';
import { ImportRunTally } from '../domain/import-run-tally';
import { DataApiCallError, FeedFormatError, ImportInterruptedError } from '../errors';
import { readFeedRecords } from '../store/feed-records';
import { type FeedFormat, feedSourceName, openFeedSource } from '../store/feed-source';
import type { Logger } from 'pino';
import type { DataApiClient } from '../store/data-api-client';

export interface FeedImportDependencies {
  dataApi: DataApiClient;
  logger: Logger;
  settings: Config['feed'];
}

export interface FeedImportRequest {
  source: string;
  format?: FeedFormat | undefined;
}

export interface FeedImportSummary {
  runId: string;
  source: string;
  format: FeedFormat;
  status: 'succeeded' | 'partially_succeeded' | 'failed';
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** The first stored errors, for the job result and the CLI. */
  firstErrors: FeedRowError[];
}

export interface FeedImportProgress {
  phase: 'importing' | 'finished';
  rowsRead: number;
  rowsRefused: number;
  rowsUpserted: number;
}

export interface FeedImportHooks {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: FeedImportProgress) => void | Promise<void>) | undefined;
}

interface Chunk {
  rows: ValidFeedRow[];
  lines: number[];
  /** Whether each row came as flat columns, so the API's field paths are reported as columns. */
  flat: boolean[];
}

type UpsertOutcome = z.output<typeof dataApi.feedUpsertOutcome>;
const upsertRowsContract = dataApiContract.imports.upsertRows;

/**
 * `imports.upsertRows` for rows this job has just validated with the same `feedUpsertRow`
 * schema: the typed client would validate every row again before sending, which costs as much
 * as the validation itself (the contract's time-zone check builds an Intl.DateTimeFormat per
 * row). The server still validates what it receives.
 */
async function upsertValidatedRows(client: DataApiClient, rows: ValidFeedRow[]): Promise<UpsertOutcome[]> {
  const result = await client.$transport.call(
    'imports.upsertRows',
    { rows },
    {
      idempotent: upsertRowsContract.idempotent,
      validate: undefined,
      parseResult: (answer: unknown) => upsertRowsContract.output.parse(answer),
    },
  );
  return (result as { outcomes: UpsertOutcome[] }).outcomes;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function dataApiError(method: string, error: unknown): DataApiCallError {
  const code = error instanceof RpcError ? error.code : 'INTERNAL';
  return new DataApiCallError(`${method} failed (${code}): ${(error as Error).message}`, code, { cause: error });
}

/**
 * Imports one advertiser feed: reads it record by record, validates each row with the
 * `feedUpsertRow` contract, sends good rows in chunks to `imports.upsertRows` (which upserts
 * by external id, so a second import of the same feed reports every row unchanged), and records
 * an ImportRun with counts and per-row errors. Bad rows are reported and never stop good ones.
 */
export async function runFeedImport(
  dependencies: FeedImportDependencies,
  request: FeedImportRequest,
  hooks: FeedImportHooks = {},
): Promise<FeedImportSummary> {
  const { dataApi: client, logger, settings } = dependencies;
  const tally = new ImportRunTally(settings.maxStoredErrors);
  const validator = new FeedRowValidator();
  const startedAt = new Date().toISOString();
  let runId: string | undefined;
  // A source refused or unreachable is recorded under this name: never with URL credentials.
  let name = feedSourceName(request.source);
  let format: FeedFormat = request.format ?? 'csv';
  let rowsUpserted = 0;

  const record = async (status: 'running' | 'succeeded' | 'partially_succeeded' | 'failed'): Promise<void> => {
    const counts = tally.snapshot();
    try {
      const run = await client.imports.recordRun({
        ...(runId === undefined ? {} : { id: runId }),
        source: name,
        // The contract knows csv and json; JSON Lines is JSON row by row.
        format: format === 'csv' ? 'csv' : 'json',
        status,
        ...counts,
        startedAt,
        finishedAt: status === 'running' ? null : new Date().toISOString(),
      });
      runId = run.id;
    } catch (error) {
      throw dataApiError('imports.recordRun', error);
    }
  };

  const progress = async (phase: FeedImportProgress['phase']): Promise<void> => {
    const counts = tally.snapshot();
    await hooks.onProgress?.({ phase, rowsRead: counts.total, rowsRefused: counts.failed, rowsUpserted });
  };

  const upload = async (chunk: Chunk): Promise<void> => {
    let outcomes: UpsertOutcome[];
    try {
      outcomes = await upsertValidatedRows(client, chunk.rows);
    } catch (error) {
      throw dataApiError('imports.upsertRows', error);
    }
    chunk.rows.forEach((_, index) => {
      const outcome = outcomes[index];
      const line = chunk.lines[index]!;
      if (outcome === undefined) tally.rowRefused([{ line, field: '(row)', message: 'ads-data-api returned no outcome for this row' }]);
      else if (outcome.outcome === 'failed') {
        const field = chunk.flat[index] === true ? columnOfPath(outcome.field.split('.')) : outcome.field;
        tally.rowRefused([{ line, field, message: outcome.message }]);
      } else {
        tally.rowUpserted(outcome.outcome);
        rowsUpserted += 1;
      }
    });
    await progress('importing');
  };

  let fatal: Error | undefined;
  const inFlight = new Set<Promise<void>>();
  let uploadFailure: Error | undefined;
  const send = async (chunk: Chunk): Promise<void> => {
    while (inFlight.size >= settings.uploadConcurrency) await Promise.race(inFlight);
    if (uploadFailure !== undefined) throw uploadFailure;
    const pending: Promise<void> = upload(chunk)
      .catch((error: unknown) => {
        uploadFailure ??= asError(error);
      })
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
  };

  let body: Readable | undefined;
  try {
    const opened = await openFeedSource(request.source, {
      format: request.format,
      maxBytes: settings.maxBytes,
      fetchTimeoutMs: settings.fetchTimeoutMs,
      access: settings,
      signal: hooks.signal,
    });
    body = opened.body;
    name = opened.name;
    format = opened.format;
    await record('running');
    logger.info({ runId, source: name, format }, 'feed import started');
    let chunk: Chunk = { rows: [], lines: [], flat: [] };
    for await (const item of readFeedRecords(opened.body, opened.format)) {
      if (hooks.signal?.aborted === true) throw new ImportInterruptedError();
      if (uploadFailure !== undefined) throw uploadFailure;
      tally.rowRead();
      if (item.kind === 'unreadable') {
        tally.rowRefused([item.error]);
        continue;
      }
      const result = validator.validate(item.record);
      if (!result.ok) {
        tally.rowRefused(result.errors);
        continue;
      }
      chunk.rows.push(result.row);
      chunk.lines.push(result.line);
      chunk.flat.push(!isNestedRow(item.record.values));
      if (chunk.rows.length >= settings.chunkSize) {
        await send(chunk);
        chunk = { rows: [], lines: [], flat: [] };
      }
    }
    if (chunk.rows.length > 0) await send(chunk);
    await Promise.all(inFlight);
    if (uploadFailure !== undefined) throw uploadFailure;
  } catch (error) {
    // An interrupted read leaves the file or HTTP body open otherwise.
    body?.destroy();
    await Promise.allSettled(inFlight);
    // A shutdown aborts the file or HTTP body under the reader, so what surfaces is mostly an
    // AbortError or a broken stream, seldom the ImportInterruptedError of the loop: the signal
    // decides. The job goes back to the queue, and the run keeps its `running` record rather
    // than a `failed` one (the contract has no status for an interrupted attempt; the next
    // attempt records its own run).
    if (hooks.signal?.aborted === true) {
      logger.warn(
        { err: error, runId, source: name, rowsRead: tally.snapshot().total, rowsUpserted },
        'feed import interrupted by a worker shutdown',
      );
      throw new ImportInterruptedError();
    }
    fatal = asError(error);
    tally.feedFailed(
      error instanceof FeedFormatError && error.problems.length > 0
        ? error.problems
        : [{ line: 0, field: '(feed)', message: (error as Error).message }],
    );
  }

  const status = tally.status();
  // A failed import is recorded too (unreadable source, bad header), so it shows among the runs.
  await record(status).catch((error: unknown) => {
    // The failure itself ends the job (or is the job's own failure): its message is enough here.
    logger.error(
      { runId, source: name, problem: error instanceof Error ? error.message : String(error) },
      'could not record the import run',
    );
    fatal ??= asError(error);
  });
  await progress('finished');
  const counts = tally.snapshot();
  const summary: FeedImportSummary = {
    runId: runId ?? '',
    source: name,
    format,
    status,
    total: counts.total,
    created: counts.created,
    updated: counts.updated,
    unchanged: counts.unchanged,
    failed: counts.failed,
    firstErrors: counts.errors.slice(0, 20),
  };
  logger.info({ ...summary, firstErrors: undefined }, 'feed import finished');
  if (fatal !== undefined) throw fatal;
  return summary;
}
