// The hot-path price of recording opportunities, in-process: `OpportunityTally.record` (and the
// prom-client counter the recorder adds) on the
// decide benchmark's requests (2 placements, 10,000 returning visitors, 0-3 keywords), against
// `selectAds` on the 100-ad synthetic inventory for the same requests. CPU time per call, so it
// holds up on a loaded machine better than a throughput ratio; interleaved rounds, medians.
//
//   node --conditions=@ads/source --import tsx bench/opportunity-record-bench.ts
import { DEFAULT_OPPORTUNITY_SAMPLE_SIZE, SERVING_INDEX_FORMAT, serving } from '@ads/ads-client';
import { selectAds, type SelectionRequest } from '../src/domain/ad-selection';
import { buildDecisionIndex, rebuildCandidateGroups } from '../src/domain/decision-index';
import { refreshCampaignLiveness } from '../src/domain/campaign-liveness';
import { OpportunityTally } from '../src/domain/opportunity-tally';
import { seededRng } from '../src/domain/rng';
import { ZoneClock } from '../src/domain/zone-clock';
import { syntheticInventory, syntheticRequests } from './synthetic-inventory';
import { Counter, Registry } from 'prom-client';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const now = Date.now();
const parts = syntheticInventory(100, 'record-bench');
const index = buildDecisionIndex({
  meta: {
    format: SERVING_INDEX_FORMAT,
    version: parts.version,
    builtAt: parts.builtAt,
    asOf: parts.asOf,
    campaigns: parts.campaigns.length,
    ads: 0,
    placements: parts.placements.length,
    chunks: 1,
  },
  placements: parts.placements,
  featureSwitches: parts.featureSwitches,
  campaigns: parts.campaigns,
});
refreshCampaignLiveness(index, () => ({ totalSpentMicros: 0, todaySpentMicros: 0 }), new ZoneClock(), now);
rebuildCandidateGroups(index);
const requests = syntheticRequests(500).map((body) =>
  serving.decisionRequest.parse((JSON.parse(body.toString()) as { params: unknown }).params),
);
const selections: SelectionRequest[] = requests.map((input) => ({
  placements: input.placements,
  userKey: input.userKey!,
  consent: input.consent,
  newUser: false,
  country: input.country,
  device: input.device,
  keywords: [...new Set(input.keywords)],
  properties: input.properties,
}));
const tally = new OpportunityTally(DEFAULT_OPPORTUNITY_SAMPLE_SIZE);
// What OpportunityRecorder.record adds to the tally: the recorded-opportunities counter.
const recorded = new Counter({ name: 'bench_opportunities_recorded_total', help: 'bench', registers: [new Registry()] });
const options = { rng: seededRng(1), explorationRate: 0.1, nowMs: now, frequencyCount: () => 0 };

function timeRecord(): number {
  const started = process.cpuUsage();
  for (let call = 0; call < CALLS; call += 1) {
    const input = requests[call % requests.length]!;
    const counted = tally.record(index.placements, input, selections[call % selections.length]!.keywords, now + call);
    if (counted > 0) recorded.inc(counted);
    if (call % 25_000 === 0) tally.take();
  }
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / CALLS;
}

function timeSelect(): number {
  const started = process.cpuUsage();
  const calls = CALLS / 10;
  for (let call = 0; call < calls; call += 1) selectAds(index, selections[call % selections.length]!, options);
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / calls;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const recordNs: number[] = [];
const selectNs: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  recordNs.push(timeRecord());
  selectNs.push(timeSelect());
}
console.log(
  `record: ${median(recordNs).toFixed(0)} ns per request; selectAds alone: ${median(selectNs).toFixed(0)} ns per request ` +
    `(median of ${ROUNDS} interleaved rounds of ${CALLS} calls, CPU time); record = ${((median(recordNs) / median(selectNs)) * 100).toFixed(2)}% of the selection alone`,
);
