// Scoring time for 100,000 ads: the pure scorer on synthetic performance, the write of a score
// version and its flip, against a baseline measured in the same run: writing 100,000 hash
// fields of the same size with plain pipelined HSETs. Run: npm run bench:scoring -w @ads/ads-scoring
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisKeys, ScoreStore, newScoreVersionId } from '@ads/ads-client';
import { scoreAds } from '../src/domain/score-ads';
import type { ScoredCampaign } from '../src/domain/score-ads';
import type { ClickEvidence } from '../src/domain/ctr-smoothing';
import { biggestMovers } from '../src/domain/score-movers';
import { pacingFactor } from '../src/domain/pacing-factor';

const ADS = Number(process.env.BENCH_ADS ?? 100_000);
const ADS_PER_CAMPAIGN = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

// A small deterministic generator, so that runs compare.
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

function syntheticInput() {
  const campaigns: ScoredCampaign[] = [];
  const adEvidence = new Map<string, ClickEvidence>();
  const campaignEvidence = new Map<string, ClickEvidence>();
  for (let c = 0; c < ADS / ADS_PER_CAMPAIGN; c += 1) {
    const id = `c${c}`;
    const adIds: string[] = [];
    const total = { impressions: 0, clicks: 0 };
    for (let a = 0; a < ADS_PER_CAMPAIGN; a += 1) {
      const adId = `${id}-a${a}`;
      adIds.push(adId);
      // A fifth of the ads are new; the others have long-tailed traffic and CTRs around 0.5%.
      if (random() < 0.2) continue;
      const impressions = Math.floor(Math.exp(random() * 12));
      const clicks = Math.floor(impressions * random() * 0.01);
      adEvidence.set(adId, { impressions, clicks });
      total.impressions += impressions;
      total.clicks += clicks;
    }
    campaignEvidence.set(id, total);
    campaigns.push({ id, bidType: random() < 0.5 ? 'CPM' : 'CPC', bidAmount: 50 + Math.floor(random() * 500), adIds });
  }
  const dayStartMs = Date.parse('2026-03-10T00:00:00Z');
  const pacingInputs = campaigns.map((campaign) => ({
    id: campaign.id,
    input: {
      pacing: 'even' as const,
      dailyBudgetMinor: 10_000,
      totalBudgetMinor: 1_000_000,
      spentBeforeTodayMicros: Math.floor(random() * 5e9),
      todaySpendMicros: Math.floor(random() * 1e8),
      flightStartMs: dayStartMs - 10 * 86_400_000,
      flightEndMs: dayStartMs + 20 * 86_400_000,
      dayStartMs,
      dayEndMs: dayStartMs + 86_400_000,
      nowMs: dayStartMs + 12 * 3_600_000,
    },
  }));
  return { campaigns, adEvidence, campaignEvidence, pacingInputs, settings: { priorStrength: 1000, defaultCtr: 0.005 } };
}

function seconds(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}

function line(name: string, secondsTaken: number, extra = ''): void {
  console.log(
    `${name.padEnd(44)} ${secondsTaken.toFixed(3).padStart(7)} s  ${Math.round(ADS / secondsTaken)
      .toLocaleString('en-US')
      .padStart(11)} ads/s${extra}`,
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys = new RedisKeys(`bench:${randomUUID()}:`);
const store = new ScoreStore(redis, keys);

try {
  const input = syntheticInput();
  console.log(
    `scoring ${ADS.toLocaleString('en-US')} ads in ${input.campaigns.length.toLocaleString('en-US')} campaigns, median of ${ROUNDS} rounds (shared, noisy machine)\n`,
  );
  const pure: number[] = [];
  const movers: number[] = [];
  const writes: number[] = [];
  const baselines: number[] = [];
  const reads: number[] = [];
  let previous: Map<string, { pCtr: number; eCpmMicros: number; pacingFactor: number }> | null = null;
  for (let round = 0; round < ROUNDS; round += 1) {
    let started = performance.now();
    const pacingFactors = new Map(
      input.pacingInputs.map(({ id, input: pacing }) => [id, pacingFactor(pacing, { min: 0.5, max: 2, damping: 0.05 }).factor]),
    );
    const outcome = scoreAds({ ...input, pacingFactors });
    pure.push(seconds(started));

    started = performance.now();
    biggestMovers(previous, outcome.scores, 15);
    movers.push(seconds(started));
    previous = outcome.scores;

    // Baseline: the same number of fields of the same size, plain HSETs of 1,000 fields, 50 per pipeline.
    const baselineKey = `${keys.prefix}baseline`;
    const value = JSON.stringify(outcome.scores.values().next().value);
    started = performance.now();
    let pipeline = redis.pipeline().del(baselineKey);
    let fields: string[] = [];
    let commands = 0;
    for (const adId of outcome.scores.keys()) {
      fields.push(adId, value);
      if (fields.length === 2000) {
        pipeline.hset(baselineKey, ...fields);
        fields = [];
        if (++commands === 50) {
          await pipeline.exec();
          pipeline = redis.pipeline();
          commands = 0;
        }
      }
    }
    if (fields.length > 0) pipeline.hset(baselineKey, ...fields);
    await pipeline.exec();
    baselines.push(seconds(started));

    started = performance.now();
    const version = newScoreVersionId();
    await store.writeVersion(version, outcome.scores, {
      version,
      computedAt: new Date().toISOString(),
      ads: outcome.scores.size,
      defaults: outcome.defaults,
    });
    await store.publishVersion(version, { retireAfterSeconds: 5 });
    writes.push(seconds(started));

    started = performance.now();
    const read = await store.readCurrent();
    if (read?.scores.size !== ADS) throw new Error(`read back ${read?.scores.size} scores instead of ${ADS}`);
    reads.push(seconds(started));
  }
  const baseline = median(baselines);
  const write = median(writes);
  line('pure scorer (smoothing, eCPM, pacing)', median(pure));
  line('movers against the previous version', median(movers));
  line('baseline: HSET 100,000 fields (same size)', baseline);
  line('write score version + atomic flip', write, `  (${(write / baseline).toFixed(2)}x baseline)`);
  line(
    'total: scorer + movers + write + flip',
    median(pure) + median(movers) + write,
    `  (${((median(pure) + median(movers) + write) / baseline).toFixed(2)}x baseline)`,
  );
  line('read the current version back (serving)', median(reads), '  (validated with zod)');
} finally {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
}
