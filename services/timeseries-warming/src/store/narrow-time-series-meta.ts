import { timeSeriesMeta, type RedisClient } from '@ads/ads-client';
import type { RedisKeys, TimeSeriesMeta } from '@ads/ads-client';

// Compare-and-set: the meta is changed only if it still is the value read. The narrowed meta
// keeps the old expiry, which the old series it vouches for were given at the same time.
const NARROW_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
end
return 1
`;

/**
 * Before a warm replaces or deletes any series: narrows `ts:meta` to the part of its window
 * that the new window covers too, or deletes it when nothing is left. Every series holds that
 * part whether it is the old or the new one, so from now on — also after a warm that fails
 * before writing its own meta — the meta claims nothing the series do not hold. Returns the
 * meta left in place (null: none).
 */
export async function narrowTimeSeriesMeta(
  redis: RedisClient,
  keys: RedisKeys,
  window: { fromMs: number; toMs: number },
): Promise<TimeSeriesMeta | null> {
  const key = keys.timeSeriesMeta;
  const raw = await redis.get(key);
  if (raw === null) return null;
  const parsed = timeSeriesMeta.safeParse(parseJson(raw));
  let narrowed: TimeSeriesMeta | null = null;
  if (parsed.success) {
    const fromMs = Math.max(Date.parse(parsed.data.from), window.fromMs);
    const toMs = Math.min(Date.parse(parsed.data.to), window.toMs);
    if (fromMs < toMs) narrowed = { ...parsed.data, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
  }
  const swapped = await redis.eval(NARROW_SCRIPT, 1, key, raw, narrowed === null ? '' : JSON.stringify(narrowed));
  if (swapped === 1) return narrowed;
  // Another writer changed the meta meanwhile: what it covers is unknown here, so it goes.
  await redis.del(key);
  return null;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // An unreadable meta vouches for nothing; it is deleted like one with no overlap.
    return undefined;
  }
}
