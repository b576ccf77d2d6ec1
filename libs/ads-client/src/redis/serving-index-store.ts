import type { z } from 'zod';
import {
  SERVING_INDEX_FIELDS,
  SERVING_INDEX_FORMAT,
  servingIndexCampaignChunk,
  servingIndexMeta,
  servingIndexPlacements,
  servingIndexSwitches,
  type ServingFeatureSwitch,
  type ServingIndex,
  type ServingIndexCampaign,
  type ServingIndexMeta,
  type ServingIndexPlacement,
} from '../contracts/serving-index.js';
import type { RedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-client.js';

export type ServingIndexErrorCode = 'INDEX_NOT_FOUND' | 'INDEX_INCOMPLETE' | 'INDEX_INVALID' | 'INDEX_FORMAT_UNKNOWN';

/** A serving index version that cannot be read or published; `code` is stable. */
export class ServingIndexError extends Error {
  override readonly name = 'ServingIndexError';
  constructor(
    readonly code: ServingIndexErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The parts of a version before it is encoded; counts and chunking are derived. */
export interface ServingIndexParts {
  version: string;
  builtAt: string;
  asOf: string;
  placements: ServingIndexPlacement[];
  featureSwitches: ServingFeatureSwitch[];
  campaigns: ServingIndexCampaign[];
}

/** The hash fields of one version, in the order they are written (meta last). */
export interface EncodedServingIndex {
  meta: ServingIndexMeta;
  fields: [field: string, value: string][];
  bytes: number;
}

const DEFAULT_CHUNK_SIZE = 1_000;

/** Encodes a version into hash fields; `meta` comes last so that its presence means "complete". */
export function encodeServingIndex(parts: ServingIndexParts, chunkSize = DEFAULT_CHUNK_SIZE): EncodedServingIndex {
  const fields: [string, string][] = [];
  let chunks = 0;
  for (let start = 0; start < parts.campaigns.length; start += chunkSize) {
    fields.push([SERVING_INDEX_FIELDS.campaignChunk(chunks), JSON.stringify(parts.campaigns.slice(start, start + chunkSize))]);
    chunks += 1;
  }
  fields.push([SERVING_INDEX_FIELDS.placements, JSON.stringify(parts.placements)]);
  fields.push([SERVING_INDEX_FIELDS.switches, JSON.stringify(parts.featureSwitches)]);
  fields.push([SERVING_INDEX_FIELDS.asOfMs, String(Date.parse(parts.asOf))]);
  const meta: ServingIndexMeta = {
    format: SERVING_INDEX_FORMAT,
    version: parts.version,
    builtAt: parts.builtAt,
    asOf: parts.asOf,
    campaigns: parts.campaigns.length,
    ads: parts.campaigns.reduce((sum, campaign) => sum + campaign.ads.length, 0),
    placements: parts.placements.length,
    chunks,
  };
  fields.push([SERVING_INDEX_FIELDS.meta, JSON.stringify(meta)]);
  const bytes = fields.reduce((sum, [field, value]) => sum + field.length + Buffer.byteLength(value), 0);
  return { meta, fields, bytes };
}

// Flips the pointer in one step: readers see the old version or the new one, never a mix.
// The version that falls out (the old "previous") expires after a grace period so that an
// instance still loading it can finish.
//
// Two writers may overlap (a --watch daemon and a cron run): the one that finishes last must
// not put back older inventory. The order is the snapshot's asOf, not the version id: the id
// is the build's start on the writer's clock, asOf is when the data API read the inventory,
// and a build that started first but read later holds the newer inventory. A version whose
// asOf is older than the current one's is refused inside the script (a check before the call
// would race), the pointers stay, and the refused version expires (unless it is the previous
// version, which readers may still hold). The script compares the asOfMs field each version
// carries (asOf in epoch ms), so it never parses dates; when either version lacks it (written
// before the field existed) the version publishes as before. An equal asOf publishes.
const PUBLISH_SCRIPT = `
local meta = redis.call('HGET', KEYS[3], ARGV[5])
if not meta then
  return redis.error_reply('INDEX_INCOMPLETE version ' .. ARGV[1] .. ' has no meta field')
end
local current = redis.call('GET', KEYS[1])
local previous = redis.call('GET', KEYS[2])
if current == ARGV[1] then
  return {'unchanged', current, previous or '', '', '', ''}
end
if current then
  local currentAsOf = redis.call('HGET', ARGV[2] .. current, ARGV[6])
  local asOf = redis.call('HGET', KEYS[3], ARGV[6])
  if tonumber(currentAsOf) and tonumber(asOf) and tonumber(asOf) < tonumber(currentAsOf) then
    local expired = ''
    if ARGV[1] ~= previous then
      redis.call('PEXPIRE', KEYS[3], ARGV[3])
      expired = ARGV[1]
    end
    return {'stale', current, previous or '', expired, currentAsOf, asOf}
  end
end
redis.call('PERSIST', KEYS[3])
redis.call('SET', KEYS[1], ARGV[1])
if current then
  redis.call('SET', KEYS[2], current)
  redis.call('PERSIST', ARGV[2] .. current)
end
local expired = ''
if previous and previous ~= current and previous ~= ARGV[1] then
  redis.call('PEXPIRE', ARGV[2] .. previous, ARGV[3])
  expired = previous
end
redis.call('PUBLISH', ARGV[4], ARGV[1])
return {'published', ARGV[1], current or '', expired, '', ''}
`;

// Swaps current and previous in one step and announces the version made current, so that a
// bad build can be taken back at once (and the swap undone by running it again). Both stay
// permanent. Refused when there is no previous version or it has expired or lost its meta.
const ROLLBACK_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local previous = redis.call('GET', KEYS[2])
if not previous then return {'none', current or '', ''} end
if redis.call('HEXISTS', ARGV[1] .. previous, ARGV[2]) == 0 then return {'gone', current or '', previous} end
redis.call('SET', KEYS[1], previous)
redis.call('PERSIST', ARGV[1] .. previous)
if current then
  redis.call('SET', KEYS[2], current)
  redis.call('PERSIST', ARGV[1] .. current)
end
redis.call('PUBLISH', ARGV[3], previous)
return {'rolled-back', previous, current or ''}
`;

/**
 * What `rollback` did. `rolled-back`: `current` (the former previous version) is current
 * again and announced, `previous` is the version it replaced. `none`: there is no previous
 * version; `gone`: the previous version no longer exists in Redis. Nothing changes then.
 */
export type ServingIndexRollback = { outcome: 'rolled-back' | 'none' | 'gone'; current: string | null; previous: string | null };

/**
 * What `publish` did. `published`: the version is now current. `unchanged`: it already was.
 * `stale`: refused because the current version was built from a newer snapshot (`currentAsOf`
 * later than `refusedAsOf`); `current` and `previous` are the pointers, left as they were, and
 * `expired` is the refused version (null when it is the previous version, which stays).
 */
export type ServingIndexPublication =
  | { outcome: 'published' | 'unchanged'; current: string; previous: string | null; expired: string | null }
  | { outcome: 'stale'; current: string; previous: string | null; expired: string | null; currentAsOf: string; refusedAsOf: string };

export interface WriteOptions {
  chunkSize?: number;
  /** A written but unpublished version expires after this (a crashed writer leaves no garbage). */
  pendingTtlSeconds?: number;
}

/**
 * Typed reader and writer of serving index versions in Redis. Writers call `write` then
 * `publish`; readers call `currentVersion` and `read`.
 */
export class ServingIndexStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Writes every part of a version (not yet visible to readers); returns its meta. */
  async write(parts: ServingIndexParts, options: WriteOptions = {}): Promise<EncodedServingIndex> {
    const encoded = encodeServingIndex(parts, options.chunkSize);
    const key = this.keys.indexVersion(parts.version);
    const pipeline = this.redis.pipeline();
    pipeline.del(key);
    for (const [field, value] of encoded.fields) pipeline.hset(key, field, value);
    pipeline.expire(key, options.pendingTtlSeconds ?? 3_600);
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed !== undefined) throw failed[0]!;
    return encoded;
  }

  /**
   * Makes a written version the current one, keeps the former current one as previous,
   * expires the one before after `retainMs`, and announces the version. Publishing the
   * current version again changes nothing and announces nothing. A version whose snapshot
   * (`asOf`) is older than the current version's is refused (outcome `stale`): the pointers
   * stay, nothing is announced, and the refused version expires after `retainMs`.
   */
  async publish(version: string, options: { retainMs?: number } = {}): Promise<ServingIndexPublication> {
    const answer = (await this.redis.eval(
      PUBLISH_SCRIPT,
      3,
      this.keys.indexCurrent,
      this.keys.indexPrevious,
      this.keys.indexVersion(version),
      version,
      this.keys.indexVersion(''),
      String(options.retainMs ?? 10 * 60_000),
      this.keys.indexAnnounceChannel,
      SERVING_INDEX_FIELDS.meta,
      SERVING_INDEX_FIELDS.asOfMs,
    )) as [
      outcome: ServingIndexPublication['outcome'],
      current: string,
      previous: string,
      expired: string,
      currentAsOf: string,
      refusedAsOf: string,
    ];
    // '' stands for none: a Lua table cannot hold nil. The asOf of a stale answer are epoch ms.
    const [outcome, current, previous, expired, currentAsOf, refusedAsOf] = answer;
    const pointers = { current, previous: previous === '' ? null : previous, expired: expired === '' ? null : expired };
    if (outcome !== 'stale') return { outcome, ...pointers };
    const iso = (ms: string) => new Date(Number(ms)).toISOString();
    return { outcome, ...pointers, currentAsOf: iso(currentAsOf), refusedAsOf: iso(refusedAsOf) };
  }

  /** Makes the previous version current again and announces it; see `ServingIndexRollback`. */
  async rollback(): Promise<ServingIndexRollback> {
    const [outcome, current, previous] = (await this.redis.eval(
      ROLLBACK_SCRIPT,
      2,
      this.keys.indexCurrent,
      this.keys.indexPrevious,
      this.keys.indexVersion(''),
      SERVING_INDEX_FIELDS.meta,
      this.keys.indexAnnounceChannel,
    )) as [ServingIndexRollback['outcome'], string, string];
    return { outcome, current: current === '' ? null : current, previous: previous === '' ? null : previous };
  }

  async currentVersion(): Promise<string | null> {
    return this.redis.get(this.keys.indexCurrent);
  }

  async previousVersion(): Promise<string | null> {
    return this.redis.get(this.keys.indexPrevious);
  }

  /** Reads the meta of a version only (cheap). */
  async readMeta(version: string): Promise<ServingIndexMeta> {
    const raw = await this.redis.hget(this.keys.indexVersion(version), SERVING_INDEX_FIELDS.meta);
    if (raw === null) {
      const exists = await this.redis.exists(this.keys.indexVersion(version));
      throw new ServingIndexError(
        exists ? 'INDEX_INCOMPLETE' : 'INDEX_NOT_FOUND',
        exists ? `index version ${version} has no meta field yet` : `index version ${version} does not exist`,
      );
    }
    const meta = parseJson(raw, 'meta', version);
    if ((meta as { format?: unknown })?.format !== SERVING_INDEX_FORMAT) {
      throw new ServingIndexError(
        'INDEX_FORMAT_UNKNOWN',
        `index version ${version} has format ${String((meta as { format?: unknown })?.format)}, this reader knows ${SERVING_INDEX_FORMAT}`,
      );
    }
    return check(servingIndexMeta, meta, 'meta', version);
  }

  /** Reads the small parts of a version: meta, placements and feature switches. */
  async readHead(version: string): Promise<Omit<ServingIndex, 'campaigns'>> {
    const meta = await this.readMeta(version);
    const [placementsRaw, switchesRaw] = await this.redis.hmget(
      this.keys.indexVersion(version),
      SERVING_INDEX_FIELDS.placements,
      SERVING_INDEX_FIELDS.switches,
    );
    if (placementsRaw == null || switchesRaw == null) {
      throw new ServingIndexError(
        'INDEX_INCOMPLETE',
        `index version ${version} lacks ${placementsRaw == null ? SERVING_INDEX_FIELDS.placements : SERVING_INDEX_FIELDS.switches}`,
      );
    }
    const placements = check(servingIndexPlacements, parseJson(placementsRaw, 'placements', version), 'placements', version);
    const featureSwitches = check(servingIndexSwitches, parseJson(switchesRaw, 'switches', version), 'switches', version);
    for (const placement of placements) {
      for (const list of [placement.candidates.sponsorship, placement.candidates.standard, placement.candidates.house]) {
        for (const ordinal of list) {
          if (ordinal >= meta.ads) {
            throw new ServingIndexError(
              'INDEX_INVALID',
              `placement ${placement.key} of index version ${version} names ad ordinal ${ordinal} of ${meta.ads}`,
            );
          }
        }
      }
    }
    return { meta, placements, featureSwitches };
  }

  /**
   * The campaigns of a version, one chunk at a time, so that a reader can compile them
   * without ever holding the whole parsed version (100,000 ads are some 50 MB of JSON).
   * Throws INDEX_INVALID at the end when the counts disagree with the meta.
   */
  async *readCampaignChunks(meta: ServingIndexMeta, options: { validate?: boolean } = {}): AsyncGenerator<ServingIndexCampaign[]> {
    const validate = options.validate ?? true;
    const { version } = meta;
    let campaigns = 0;
    let ads = 0;
    for (let chunk = 0; chunk < meta.chunks; chunk += 1) {
      const field = SERVING_INDEX_FIELDS.campaignChunk(chunk);
      const raw = await this.redis.hget(this.keys.indexVersion(version), field);
      if (raw === null) throw new ServingIndexError('INDEX_INCOMPLETE', `index version ${version} lacks ${field}`);
      const parsed = parseJson(raw, field, version);
      const list = validate ? check(servingIndexCampaignChunk, parsed, field, version) : (parsed as ServingIndexCampaign[]);
      campaigns += list.length;
      for (const campaign of list) ads += campaign.ads.length;
      yield list;
    }
    if (campaigns !== meta.campaigns || ads !== meta.ads) {
      throw new ServingIndexError(
        'INDEX_INVALID',
        `index version ${version} holds ${campaigns} campaigns and ${ads} ads, its meta says ${meta.campaigns} and ${meta.ads}`,
      );
    }
  }

  /**
   * Reads a whole version. `validate: false` skips the schema check of the campaign chunks
   * (the largest part), for readers that trust the writer and need the speed.
   */
  async read(version: string, options: { validate?: boolean } = {}): Promise<ServingIndex> {
    const head = await this.readHead(version);
    const campaigns: ServingIndexCampaign[] = [];
    for await (const chunk of this.readCampaignChunks(head.meta, options)) for (const campaign of chunk) campaigns.push(campaign);
    return { ...head, campaigns };
  }

  /** The current version and its index, or null when none was published yet. */
  async readCurrent(options: { validate?: boolean } = {}): Promise<ServingIndex | null> {
    const version = await this.currentVersion();
    return version === null ? null : this.read(version, options);
  }
}

function parseJson(raw: string, field: string, version: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new ServingIndexError('INDEX_INVALID', `field ${field} of index version ${version} is not JSON`, { cause: error });
  }
}

function check<T extends z.ZodType>(schema: T, value: unknown, field: string, version: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ServingIndexError(
      'INDEX_INVALID',
      `field ${field} of index version ${version} is invalid at ${first?.path.join('.') || '(root)'}: ${first?.message}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
