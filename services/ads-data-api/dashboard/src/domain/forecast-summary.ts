// A forecast answer in the words and rows the campaign form's panel shows: no DOM, so that
// every sentence is tested (tests/dashboard-domain.test.ts).
import type { ForecastDay, ForecastResponse } from '@ads/ads-client/forecast';
import { formatCents } from './money';

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** "12,345". */
export function formatCount(value: number): string {
  return count.format(value);
}

/** "37%" for 0.372; "<1%" for a share above zero that rounds to nothing. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.005) return '<1%';
  return `${Math.round(share * 100)}%`;
}

/** What holds a day's impressions down, in plain words. */
export const LIMITED_BY_LABELS: Record<ForecastDay['limitedBy'], string> = {
  opportunities: 'matching requests',
  competition: 'other campaigns',
  frequencyCap: 'frequency cap',
  dailyBudget: 'daily budget',
  totalBudget: 'total budget',
  pacing: 'pacing',
};

/** One day of the panel's chart and table. */
export interface ForecastChartRow {
  date: string;
  /** "Mar 3" style, short for the axis. */
  label: string;
  opportunities: number;
  expectedImpressions: number;
  contested: string;
  spend: string;
  limitedBy: string;
}

export interface ForecastSummary {
  /** False when serving has recorded no request on the campaign's placements in the lookback. */
  hasHistory: boolean;
  opportunities: string;
  expectedImpressions: string;
  expectedSpend: string;
  budget: { reachable: boolean; sentence: string };
  goal: { reachable: boolean; sentence: string } | null;
  /** Share of the matching requests that campaigns at the same or a higher priority are expected to take. */
  contested: string;
  competitors: Array<{ key: string; label: string; share: string }>;
  history: string;
  samplingError: string;
  rows: ForecastChartRow[];
  /** The chart's text alternative in one sentence. */
  chartSummary: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function shortDay(date: string): string {
  const [, month, day] = date.split('-').map(Number);
  if (month === undefined || day === undefined || !MONTHS[month - 1]) return date;
  return `${MONTHS[month - 1]} ${day}`;
}

/** A weighted mean of the days' contested shares, weighted by their opportunities. */
function contestedShareOf(days: ForecastDay[]): number {
  const total = days.reduce((sum, day) => sum + day.opportunities, 0);
  if (total === 0) return 0;
  return days.reduce((sum, day) => sum + day.contestedShare * day.opportunities, 0) / total;
}

function budgetSentence(budget: ForecastResponse['budget']): string {
  if (budget.totalBudget === 0) return 'No total budget: nothing will be spent.';
  const share = budget.expectedSpend / budget.totalBudget;
  if (budget.reachable) {
    return `Budget reachable: the forecast spends ${formatCents(budget.expectedSpend)} of the ${formatCents(budget.totalBudget)} total budget.`;
  }
  return `Budget not reachable: the forecast spends only ${formatCents(budget.expectedSpend)} of the ${formatCents(budget.totalBudget)} total budget (${formatShare(share)}).`;
}

function goalSentence(goal: NonNullable<ForecastResponse['goal']>): string {
  const share = goal.impressions === 0 ? 1 : goal.expectedImpressions / goal.impressions;
  if (goal.reachable) {
    return `Goal reachable: ${formatCount(goal.expectedImpressions)} impressions expected for a goal of ${formatCount(goal.impressions)}.`;
  }
  return `Goal not reachable: ${formatCount(goal.expectedImpressions)} impressions expected of the ${formatCount(goal.impressions)} goal (${formatShare(share)}).`;
}

function historySentence(history: ForecastResponse['history']): string {
  const from = history.from.slice(0, 10);
  const to = history.to.slice(0, 10);
  const days = Math.min(history.lookbackDays, Math.ceil(history.hoursWithData / 24));
  const dayWord = days === 1 ? 'day' : 'days';
  return `Based on ${days} ${dayWord} of recorded requests (${formatCount(history.hoursWithData)} hours with traffic between ${from} and ${to}, looking back ${history.lookbackDays} days).`;
}

/** Everything the panel says about one answer. */
export function forecastSummary(answer: ForecastResponse): ForecastSummary {
  const rows = answer.days.map((day) => ({
    date: day.date,
    label: shortDay(day.date),
    opportunities: day.opportunities,
    expectedImpressions: day.expectedImpressions,
    contested: formatShare(day.contestedShare),
    spend: formatCents(day.expectedSpend),
    limitedBy: LIMITED_BY_LABELS[day.limitedBy] ?? day.limitedBy,
  }));
  const peak = answer.days.reduce<ForecastDay | null>(
    (best, day) => (best === null || day.opportunities > best.opportunities ? day : best),
    null,
  );
  const chartSummary =
    answer.days.length === 0
      ? 'No days to forecast.'
      : `${answer.days.length} days from ${answer.days[0]!.date} to ${answer.days[answer.days.length - 1]!.date}: ` +
        `${formatCount(answer.totals.opportunities)} matching requests and ${formatCount(answer.totals.expectedImpressions)} expected impressions in all` +
        (peak === null ? '.' : `; the busiest day is ${peak.date} with ${formatCount(peak.opportunities)} matching requests.`);
  return {
    hasHistory: answer.history.hoursWithData > 0,
    opportunities: formatCount(answer.totals.opportunities),
    expectedImpressions: formatCount(answer.totals.expectedImpressions),
    expectedSpend: formatCents(answer.totals.expectedSpend),
    budget: { reachable: answer.budget.reachable, sentence: budgetSentence(answer.budget) },
    goal: answer.goal === null ? null : { reachable: answer.goal.reachable, sentence: goalSentence(answer.goal) },
    contested: formatShare(contestedShareOf(answer.days)),
    competitors: answer.competitors.map((competitor, index) => ({
      key: `${competitor.campaignId ?? 'another'}-${index}`,
      label: competitor.name.trim() === '' ? 'another campaign' : competitor.name,
      share: formatShare(competitor.sharedOpportunities),
    })),
    history: historySentence(answer.history),
    samplingError: `±${(answer.samplingError * 100).toFixed(answer.samplingError < 0.1 ? 1 : 0)}%`,
    rows,
    chartSummary,
  };
}
