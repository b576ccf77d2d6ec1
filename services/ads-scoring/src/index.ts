// Public surface of ads-scoring: the pure scoring math, for tests and for reading the rules.
export { smoothedCtr, buildCtrPriors } from './domain/ctr-smoothing';
export type { ClickEvidence, CtrPrior, CtrPriors } from './domain/ctr-smoothing';
export { splitLifetimeSpend } from './domain/lifetime-spend';
export type { SpendSources, LifetimeSpendSplit } from './domain/lifetime-spend';
export { pacingFactor } from './domain/pacing-factor';
export type { PacingInput, PacingBounds, PacingOutcome } from './domain/pacing-factor';
export { scoreAds } from './domain/score-ads';
export type { ScoringInput, ScoringOutcome, ScoredCampaign } from './domain/score-ads';
export { biggestMovers, rankValue } from './domain/score-movers';
export { errorCatalogue, ScoringError } from './errors';
export type { ScoringSummary } from './app/scoring-run';
