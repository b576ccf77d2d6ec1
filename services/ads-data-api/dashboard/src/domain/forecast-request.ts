// The campaign form's values as a forecast request (`POST /api/v1/forecasts`), or why they
// cannot be asked about yet. The contract's own schema decides, so the panel asks only what
// the API would take, and says in plain words which field is missing or wrong.
import { forecastRequest, type ForecastRequest } from '@ads/ads-client/forecast';
import { buildPayload, type FieldSpec, type FormValues } from './form-values';

/** The campaign fields a forecast depends on (its name, advertiser or label do not matter). */
export const FORECAST_CAMPAIGN_FIELDS = [
  'flightStart',
  'flightEnd',
  'timeZone',
  'totalBudget',
  'dailyBudget',
  'pacing',
  'priority',
  'bidType',
  'bidAmount',
  'frequencyCap',
  'targeting',
] as const;

/** A request ready to send (with `key`, equal for equal requests), or the reason it is not. */
export type ForecastAsk = { ready: true; request: ForecastRequest; key: string } | { ready: false; reason: string };

/** The largest impression goal the contract takes. */
const MAX_GOAL = 1e12;

/**
 * The goal typed in the panel: undefined when empty, a number of impressions, or an error
 * message. Digits with optional thousands separators ("250,000"), nothing else.
 */
export function parseImpressionGoal(text: string): { goal: number | undefined } | { error: string } {
  const cleaned = text.trim().replace(/[,\s_]/g, '');
  if (cleaned === '') return { goal: undefined };
  if (!/^\d+$/.test(cleaned)) return { error: 'Impression goal must be a whole number of impressions' };
  const goal = Number(cleaned);
  if (goal < 1 || goal > MAX_GOAL) return { error: 'Impression goal must be between 1 and 1,000,000,000,000' };
  return { goal };
}

function labelOf(fields: FieldSpec[], path: string): string {
  // The longest field name that is a prefix of the path ("targeting.countries.0" → Countries).
  const match = fields
    .filter((spec) => path === spec.name || path.startsWith(`${spec.name}.`))
    .sort((a, b) => b.name.length - a.name.length)[0];
  return match?.label ?? path;
}

/**
 * Builds the forecast request of a campaign form. Every shown field is converted as a create
 * would (an empty frequency cap is no cap, an empty daily budget none); a value that cannot
 * be converted, or that the contract refuses, makes the form not ready, with the reason.
 */
export function forecastRequestOf(
  fields: FieldSpec[],
  values: FormValues,
  options: { campaignId?: string | undefined; goalText?: string | undefined } = {},
): ForecastAsk {
  const wanted = new Set<string>(FORECAST_CAMPAIGN_FIELDS);
  const relevant = fields.filter((spec) => wanted.has(spec.name.split('.')[0]!));
  const { payload, localErrors } = buildPayload(relevant, values, 'create', values);
  const firstLocal = Object.values(localErrors)[0]?.[0];
  if (firstLocal !== undefined) return { ready: false, reason: firstLocal };

  const campaign: Record<string, unknown> = {};
  for (const name of FORECAST_CAMPAIGN_FIELDS) if (payload[name] !== undefined) campaign[name] = payload[name];
  const cap = campaign.frequencyCap as { count?: unknown } | undefined;
  // The period is a select that always holds a value: without a count there is no cap.
  if (cap === undefined || cap.count === undefined || cap.count === null) campaign.frequencyCap = null;

  const goal = parseImpressionGoal(options.goalText ?? '');
  if ('error' in goal) return { ready: false, reason: goal.error };

  const body: Record<string, unknown> = { campaign };
  if (goal.goal !== undefined) body.goalImpressions = goal.goal;
  if (options.campaignId) body.campaignId = options.campaignId;

  const checked = forecastRequest.safeParse(body);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const path = issue.path.map(String);
    if (path[0] === 'campaign') path.shift();
    const field = path.join('.');
    if (field === '') return { ready: false, reason: issue.message };
    if (field === 'flightEnd' && issue.code === 'custom') return { ready: false, reason: 'Flight end must be after the flight start' };
    const missing = issue.code === 'invalid_type' && getMissing(body, ['campaign', ...path]);
    return { ready: false, reason: missing ? `${labelOf(fields, field)} is needed` : `${labelOf(fields, field)}: ${issue.message}` };
  }
  // The request as typed (not the parsed one: defaults are the API's to fill in).
  const request = body as ForecastRequest;
  return { ready: true, request, key: JSON.stringify(request) };
}

function getMissing(body: Record<string, unknown>, path: string[]): boolean {
  let node: unknown = body;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null) return true;
    node = (node as Record<string, unknown>)[segment];
  }
  return node === undefined;
}
