import { randomBytes } from 'node:crypto';
import { SCORE_MAX_AGE_MS, SCORE_META_FIELD, adScore, scoreVersionMeta } from '../contracts/scores.js';
import type { AdScore, ScoreVersionMeta } from '../contracts/scores.js';
import type { RedisKeys } from './redis-keys.js';
import { RedisValueError, RedisWriteError } from './redis-store-errors.js';
import type { RedisClient } from './redis-client.js';

/** One score version as read back: its meta, the scores by ad id, and fields that did not parse. */
export interface ScoreVersion {
  version: string;
  meta: ScoreVersionMeta;
  scores: Map<string, AdScore>;
  /** Ad ids whose value did not match the contract; a reader uses the defaults for them. */
  invalidAdIds: string[];
}

/** What a flip did: the version it replaced and the one it scheduled for expiry. */
export interface ScoreFlip {
  version: string;
  previous: string | null;
  retired: string | null;
}

/** A version id that sorts by time and does not collide between two concurrent runs. */
export function newScoreVersionId(now = Date.now()): string {
  return `${new Date(now).toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
}

/** Whether serving may still use a version computed at `meta.computedAt` (SCORE_MAX_AGE_MS). */
export function isScoreVersionFresh(meta: ScoreVersionMeta, now = Date.now()): boolean {
  return now - Date.parse(meta.computedAt) <= SCORE_MAX_AGE_MS;
}

// One script so that current, previous, the announcement and the expiry of the version that
// falls out move together: a reader never sees `current` point at a missing or retired hash.
const FLIP_SCRIPT = `
if redis.call('EXISTS', KEYS[3]) == 0 then
  return redis.error_reply('VERSION_MISSING the version hash does not exist')
end
local current = redis.call('GET', KEYS[1])
local previous = redis.call('GET', KEYS[2])
if current == ARGV[1] then
  return {current, previous or false, false}
end
redis.call('PERSIST', KEYS[3])
redis.call('SET', KEYS[1], ARGV[1])
local retired = false
if current then
  redis.call('SET', KEYS[2], current)
  redis.call('PERSIST', ARGV[2] .. current)
  if previous and previous ~= ARGV[1] and previous ~= current then
    redis.call('EXPIRE', ARGV[2] .. previous, tonumber(ARGV[3]))
    retired = previous
  end
end
redis.call('PUBLISH', ARGV[4], ARGV[1])
return {ARGV[1], current or false, retired}
`;

/**
 * Typed access to score versions: `RedisKeys.scoresVersion(v)` is a hash of ad id → JSON
 * `adScore` plus `SCORE_META_FIELD` → `scoreVersionMeta`; `scoresCurrent` names the version
 * serving should use and `scoresPrevious` the one before, kept for rollback. ads-scoring
 * writes; serving reads.
 */
export class ScoreStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Writes a complete version under its own key. The key expires after `pendingTtlSeconds`
   * unless it is published, so a run that dies before the flip leaves nothing behind.
   */
  async writeVersion(
    version: string,
    scores: Iterable<readonly [string, AdScore]>,
    meta: ScoreVersionMeta,
    options: { fieldsPerCommand?: number; pendingTtlSeconds?: number } = {},
  ): Promise<number> {
    const key = this.keys.scoresVersion(version);
    const perCommand = options.fieldsPerCommand ?? 1000;
    const validMeta = scoreVersionMeta.parse(meta);
    if (validMeta.version !== version) throw new RedisWriteError(key, `meta.version ${validMeta.version} differs from ${version}`);
    const pendingTtlSeconds = options.pendingTtlSeconds ?? 3600;
    let pipeline = this.redis.pipeline().del(key);
    let fields: string[] = [];
    let commands = 0;
    let written = 0;
    const flush = async (force: boolean) => {
      if (fields.length > 0) {
        // The expiry goes with every write so that a run dying mid-write leaves an expiring key.
        pipeline.hset(key, ...fields).expire(key, pendingTtlSeconds);
        fields = [];
        commands += 1;
      }
      if (commands > 0 && (force || commands >= 50)) {
        await execPipeline(pipeline, key);
        pipeline = this.redis.pipeline();
        commands = 0;
      }
    };
    for (const [adId, score] of scores) {
      if (adId === SCORE_META_FIELD) throw new RedisWriteError(key, `an ad id may not be ${SCORE_META_FIELD}`);
      fields.push(adId, JSON.stringify(score));
      written += 1;
      if (fields.length >= perCommand * 2) await flush(false);
    }
    // The meta goes last: a hash with its meta field is a complete version.
    fields.push(SCORE_META_FIELD, JSON.stringify(validMeta));
    await flush(true);
    return written;
  }

  /**
   * Makes `version` current in one atomic step: the old current becomes previous, the old
   * previous expires after `retireAfterSeconds` (serving instances that loaded it keep their
   * copy in memory), and the version id is published on `scoresAnnounceChannel`.
   */
  async publishVersion(version: string, options: { retireAfterSeconds?: number } = {}): Promise<ScoreFlip> {
    const versionKey = this.keys.scoresVersion(version);
    let answer: [string, string | null, string | null];
    try {
      answer = (await this.redis.eval(
        FLIP_SCRIPT,
        3,
        this.keys.scoresCurrent,
        this.keys.scoresPrevious,
        versionKey,
        version,
        this.keys.scoresVersion(''),
        String(options.retireAfterSeconds ?? 600),
        this.keys.scoresAnnounceChannel,
      )) as [string, string | null, string | null];
    } catch (error) {
      if (String((error as Error).message).includes('VERSION_MISSING')) {
        throw new RedisWriteError(versionKey, 'cannot publish a version that was not written (or has expired)');
      }
      throw error;
    }
    return { version: answer[0], previous: answer[1] ?? null, retired: answer[2] ?? null };
  }

  async currentVersion(): Promise<string | null> {
    return this.redis.get(this.keys.scoresCurrent);
  }

  async previousVersion(): Promise<string | null> {
    return this.redis.get(this.keys.scoresPrevious);
  }

  /** A version's meta and scores, or null when its hash is gone. */
  async readVersion(version: string): Promise<ScoreVersion | null> {
    const key = this.keys.scoresVersion(version);
    const hash = await this.redis.hgetall(key);
    const rawMeta = hash[SCORE_META_FIELD];
    if (rawMeta === undefined) return null;
    const meta = scoreVersionMeta.safeParse(safeJson(rawMeta));
    if (!meta.success) throw new RedisValueError(key, SCORE_META_FIELD, `not a score version meta: ${meta.error.message}`);
    const scores = new Map<string, AdScore>();
    const invalidAdIds: string[] = [];
    for (const [field, value] of Object.entries(hash)) {
      if (field === SCORE_META_FIELD) continue;
      const score = adScore.safeParse(safeJson(value));
      if (score.success) scores.set(field, score.data);
      else invalidAdIds.push(field);
    }
    return { version, meta: meta.data, scores, invalidAdIds };
  }

  /** Only the meta of a version (cheap: serving polls it to notice a missed announcement). */
  async readMeta(version: string): Promise<ScoreVersionMeta | null> {
    const key = this.keys.scoresVersion(version);
    const raw = await this.redis.hget(key, SCORE_META_FIELD);
    if (raw === null) return null;
    const meta = scoreVersionMeta.safeParse(safeJson(raw));
    if (!meta.success) throw new RedisValueError(key, SCORE_META_FIELD, `not a score version meta: ${meta.error.message}`);
    return meta.data;
  }

  /** The current version, or null when none was published or its hash is gone. */
  async readCurrent(): Promise<ScoreVersion | null> {
    const version = await this.currentVersion();
    return version === null ? null : this.readVersion(version);
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

async function execPipeline(pipeline: ReturnType<RedisClient['pipeline']>, key: string): Promise<void> {
  const results = await pipeline.exec();
  if (results === null) throw new RedisWriteError(key, 'the pipeline was discarded');
  for (const [error] of results) if (error !== null) throw error;
}
