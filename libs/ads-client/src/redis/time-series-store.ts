import { timeSeriesMeta, timeSeriesPoint } from '../contracts/time-series.js';
import type { TimeSeriesMeta, TimeSeriesPoint } from '../contracts/time-series.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisValueError, RedisWriteError } from './redis-store-errors.js';
import type { RedisClient } from './redis-client.js';
import { scanKeys } from './scan-keys.js';

export type TimeSeriesLevel = Parameters<RedisKeys['timeSeries']>[0];
export type TimeSeriesGranularity = Parameters<RedisKeys['timeSeries']>[2];

/** One bucket of a series: its start (ISO, UTC, milliseconds) and its totals. */
export interface TimeSeriesBucket extends TimeSeriesPoint {
  bucket: string;
}

/** The whole warmed series of one entity at one granularity. */
export interface TimeSeriesEntry {
  level: TimeSeriesLevel;
  id: string;
  granularity: TimeSeriesGranularity;
  points: readonly TimeSeriesBucket[];
}

/** The canonical hash field of a bucket starting at `at` (ISO or epoch ms). */
export function timeSeriesField(at: string | number): string {
  return new Date(typeof at === 'number' ? at : Date.parse(at)).toISOString();
}

/** Whether the last complete warm covers [from, to): a reader may then trust the series. */
export function timeSeriesCovers(meta: TimeSeriesMeta | null, from: string | number, to: string | number): boolean {
  if (meta === null) return false;
  const fromMs = typeof from === 'number' ? from : Date.parse(from);
  const toMs = typeof to === 'number' ? to : Date.parse(to);
  return fromMs >= Date.parse(meta.from) && toMs <= Date.parse(meta.to);
}

/** What a report reads of one series in one atomic step (`TimeSeriesStore.readWithChanges`). */
export interface TimeSeriesView {
  meta: TimeSeriesMeta | null;
  /**
   * Start (epoch ms) of the oldest hour of the entity changed since the last warm read it: from
   * there on the series may lag the database. Null: no change since. -Infinity: a mark that
   * cannot be read, which vouches for nothing.
   */
  changedFromMs: number | null;
  buckets: TimeSeriesBucket[];
}

/**
 * How long a change mark lives without a warm: longer than any warmed series (at most 90 days
 * plus one), so a mark never expires while a series it corrects is still there.
 */
export const TIME_SERIES_CHANGE_TTL_SECONDS = 92 * 86_400;

// KEYS[1]: an entity's change mark; ARGV[1]: start (epoch ms) of the oldest hour changed;
// ARGV[2]: expiry (s). Dated by Redis's own clock, the clock a warm reads before its reads.
const MARK_CHANGE_SCRIPT = `
local now = redis.call('TIME')
local at = now[1] .. string.format('%06d', tonumber(now[2]))
local from = tonumber(redis.call('HGET', KEYS[1], 'from'))
if not from or tonumber(ARGV[1]) < from then redis.call('HSET', KEYS[1], 'from', ARGV[1]) end
local previous = tonumber(redis.call('HGET', KEYS[1], 'at'))
if not previous or tonumber(at) > previous then redis.call('HSET', KEYS[1], 'at', at) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

// KEYS[1]: a change mark; ARGV[1]: a warm's clock, taken before its reads. The mark goes only
// when its newest change is older: the warm then read every change it records.
const CLEAR_CHANGE_SCRIPT = `
local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
if at and at < tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
return 0
`;

const TIME_SERIES_LEVELS: readonly TimeSeriesLevel[] = ['ad', 'campaign', 'advertiser'];

/** A SCAN pattern for every id of a key layout, with the prefix's glob characters escaped. */
function idPattern(template: (id: string) => string): { pattern: string; idOf: (key: string) => string } {
  const sentinel = '\u0000ID\u0000';
  const [head, tail] = template(sentinel).split(sentinel) as [string, string];
  const escape = (text: string) => text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
  return {
    pattern: `${escape(head)}*${escape(tail)}`,
    idOf: (key) => key.slice(head.length, key.length - tail.length),
  };
}

/**
 * Typed access to the warmed time series (`RedisKeys.timeSeries`, a hash of bucket start →
 * JSON totals) and their meta key. timeseries-warming writes them; ads-data-api's reports and
 * ads-scoring read them. Buckets without activity are not stored: inside the window of the
 * meta key, a missing bucket means zero.
 */
export class TimeSeriesStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Replaces each series with exactly the given points and sets its expiry. Each chunk of
   * series is one MULTI, so a reader sees a series either before or after, never half-written.
   */
  async replaceSeries(series: Iterable<TimeSeriesEntry>, options: { ttlSeconds: number; seriesPerTransaction?: number }): Promise<number> {
    const perTransaction = options.seriesPerTransaction ?? 200;
    let written = 0;
    let transaction = this.redis.multi();
    let inTransaction = 0;
    for (const entry of series) {
      const key = this.keys.timeSeries(entry.level, entry.id, entry.granularity);
      transaction.del(key);
      if (entry.points.length > 0) {
        const fields: string[] = [];
        for (const { bucket, ...point } of entry.points) fields.push(timeSeriesField(bucket), JSON.stringify(point));
        transaction.hset(key, ...fields);
        transaction.expire(key, options.ttlSeconds);
      }
      written += 1;
      inTransaction += 1;
      if (inTransaction >= perTransaction) {
        await execOrThrow(transaction, this.keys.timeSeriesMeta);
        transaction = this.redis.multi();
        inTransaction = 0;
      }
    }
    if (inTransaction > 0) await execOrThrow(transaction, this.keys.timeSeriesMeta);
    return written;
  }

  /** The buckets of one series in [from, to) (all when omitted), oldest first. */
  async read(
    level: TimeSeriesLevel,
    id: string,
    granularity: TimeSeriesGranularity,
    window: { from?: string | number; to?: string | number } = {},
  ): Promise<TimeSeriesBucket[]> {
    const key = this.keys.timeSeries(level, id, granularity);
    return bucketsOf(key, await this.redis.hgetall(key), window);
  }

  /**
   * The meta, the entity's change mark and the series' buckets in [from, to), in one MULTI:
   * a warm running meanwhile cannot hand a reader its new series with the old meta or marks.
   */
  async readWithChanges(
    level: TimeSeriesLevel,
    id: string,
    granularity: TimeSeriesGranularity,
    window: { from: string | number; to: string | number },
  ): Promise<TimeSeriesView> {
    const key = this.keys.timeSeries(level, id, granularity);
    const changeKey = this.keys.timeSeriesChange(level, id);
    const results = await this.redis.multi().get(this.keys.timeSeriesMeta).hgetall(changeKey).hgetall(key).exec();
    if (results === null) throw new RedisWriteError(key, 'the time-series read was discarded');
    for (const [error] of results) if (error !== null) throw error;
    const [meta, mark, hash] = results.map(([, value]) => value) as [string | null, Record<string, string>, Record<string, string>];
    let changedFromMs: number | null = null;
    if (Object.keys(mark).length > 0) {
      const from = Number(mark.from);
      changedFromMs = mark.from !== undefined && Number.isFinite(from) ? from : -Infinity;
    }
    return { meta: meta === null ? null : parseMeta(this.keys.timeSeriesMeta, meta), changedFromMs, buckets: bucketsOf(key, hash, window) };
  }

  /**
   * Redis's clock in µs since the epoch (decimal): a warm takes it before its reads. Read by a
   * script on the meta key, so that on a cluster it is the clock of the node holding the marks.
   */
  async changeClock(): Promise<string> {
    const [seconds, micros] = (await this.redis.eval(`return redis.call('TIME')`, 1, this.keys.timeSeriesMeta)) as [string, string];
    return `${seconds}${String(micros).padStart(6, '0')}`;
  }

  /**
   * Marks that the stats of these entities changed from `fromMs` (an hour start) on, after the
   * database applied the change: one mark per entity, merged with the one already there (the
   * oldest hour, the newest time). Readers take those buckets from the database until a warm
   * that started after the change clears the mark.
   */
  async markChanged(changes: readonly { level: TimeSeriesLevel; id: string; fromMs: number }[]): Promise<void> {
    if (changes.length === 0) return;
    for (let start = 0; start < changes.length; start += 1000) {
      const pipeline = this.redis.pipeline();
      for (const change of changes.slice(start, start + 1000)) {
        pipeline.eval(
          MARK_CHANGE_SCRIPT,
          1,
          this.keys.timeSeriesChange(change.level, change.id),
          String(change.fromMs),
          String(TIME_SERIES_CHANGE_TTL_SECONDS),
        );
      }
      await execPipelineOrThrow(pipeline, 'time-series change marks');
    }
  }

  /** Deletes every change mark whose newest change is older than `clock` (`changeClock`); returns how many. */
  async clearChangesBefore(clock: string): Promise<number> {
    let cleared = 0;
    for (const level of TIME_SERIES_LEVELS) {
      const { pattern } = idPattern((id) => this.keys.timeSeriesChange(level, id));
      for await (const found of scanKeys(this.redis, pattern)) {
        const pipeline = this.redis.pipeline();
        for (const key of found) pipeline.eval(CLEAR_CHANGE_SCRIPT, 1, key, clock);
        for (const deleted of await execPipelineOrThrow(pipeline, 'time-series change marks')) cleared += Number(deleted);
      }
    }
    return cleared;
  }

  /**
   * Chosen buckets of many series in one round trip: for each request, the point of each
   * bucket start asked for, or null where the series has none (zero activity, or not warmed).
   */
  async readBuckets(
    requests: readonly { level: TimeSeriesLevel; id: string; granularity: TimeSeriesGranularity; buckets: readonly (string | number)[] }[],
  ): Promise<(TimeSeriesPoint | null)[][]> {
    if (requests.length === 0) return [];
    const pipeline = this.redis.pipeline();
    const asked = requests.map((request) => {
      const key = this.keys.timeSeries(request.level, request.id, request.granularity);
      const fields = request.buckets.map(timeSeriesField);
      if (fields.length > 0) pipeline.hmget(key, ...fields);
      return { key, fields };
    });
    const results = (await pipeline.exec()) ?? [];
    let next = 0;
    return asked.map(({ key, fields }) => {
      if (fields.length === 0) return [];
      const [error, values] = results[next++] ?? [new RedisWriteError(key, 'no answer in the pipeline'), null];
      if (error !== null) throw error;
      return (values as (string | null)[]).map((value, index) => (value === null ? null : parsePoint(key, fields[index]!, value)));
    });
  }

  /** Ids of every entity that has a stored series at this level and granularity. */
  async listIds(level: TimeSeriesLevel, granularity: TimeSeriesGranularity): Promise<string[]> {
    const { pattern, idOf } = idPattern((id) => this.keys.timeSeries(level, id, granularity));
    const ids: string[] = [];
    for await (const found of scanKeys(this.redis, pattern)) for (const key of found) ids.push(idOf(key));
    return [...new Set(ids)];
  }

  /** Deletes the series of these ids; returns how many keys existed. */
  async deleteSeries(level: TimeSeriesLevel, ids: readonly string[], granularity: TimeSeriesGranularity): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < ids.length; start += 1000) {
      const keys = ids.slice(start, start + 1000).map((id) => this.keys.timeSeries(level, id, granularity));
      if (keys.length > 0) deleted += await this.redis.del(...keys);
    }
    return deleted;
  }

  /** Records the window of a complete warm; written last, so its presence means "complete". */
  async writeMeta(meta: TimeSeriesMeta, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.keys.timeSeriesMeta, JSON.stringify(timeSeriesMeta.parse(meta)), 'EX', ttlSeconds);
  }

  async readMeta(): Promise<TimeSeriesMeta | null> {
    const key = this.keys.timeSeriesMeta;
    const raw = await this.redis.get(key);
    return raw === null ? null : parseMeta(key, raw);
  }
}

function parseMeta(key: string, raw: string): TimeSeriesMeta {
  const parsed = timeSeriesMeta.safeParse(safeJson(raw));
  if (!parsed.success) throw new RedisValueError(key, undefined, `not a time-series meta: ${parsed.error.message}`);
  return parsed.data;
}

/** The buckets of a series hash in [from, to) (all when omitted), oldest first. */
function bucketsOf(
  key: string,
  hash: Record<string, string>,
  window: { from?: string | number; to?: string | number },
): TimeSeriesBucket[] {
  const fromMs = window.from === undefined ? -Infinity : new Date(window.from).getTime();
  const toMs = window.to === undefined ? Infinity : new Date(window.to).getTime();
  const buckets: TimeSeriesBucket[] = [];
  for (const [field, value] of Object.entries(hash)) {
    const at = Date.parse(field);
    if (Number.isNaN(at)) throw new RedisValueError(key, field, 'field is not an ISO bucket start');
    if (at < fromMs || at >= toMs) continue;
    buckets.push({ bucket: field, ...parsePoint(key, field, value) });
  }
  return buckets.sort((a, b) => Date.parse(a.bucket) - Date.parse(b.bucket));
}

async function execPipelineOrThrow(pipeline: ReturnType<RedisClient['pipeline']>, about: string): Promise<unknown[]> {
  const results = await pipeline.exec();
  if (results === null) throw new RedisWriteError(about, 'the pipeline was discarded');
  return results.map(([error, value]) => {
    if (error !== null) throw error;
    return value;
  });
}

function parsePoint(key: string, field: string, value: string): TimeSeriesPoint {
  const parsed = timeSeriesPoint.safeParse(safeJson(value));
  if (!parsed.success) throw new RedisValueError(key, field, `not a time-series point: ${parsed.error.message}`);
  return parsed.data;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

async function execOrThrow(transaction: ReturnType<RedisClient['multi']>, about: string): Promise<void> {
  const results = await transaction.exec();
  if (results === null) throw new RedisWriteError(about, 'the time-series transaction was discarded');
  for (const [error] of results) if (error !== null) throw error;
}
