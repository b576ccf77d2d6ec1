// Checks a form's payload against the shared contract before it is sent, so that every bad
// field is named at once in plain words (domain/plain-message.ts), cross-field rules included.
import type { FieldSpec } from './form-values';
import { assignFieldErrors } from './field-errors';
import { plainMessage, type ContractIssue, type PlainFieldKind } from './plain-message';

/** A schema as the form uses it: zod's safeParse, nothing else. */
export interface ContractSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: ContractIssue[] } };
}

/**
 * A rule over several fields from the contract (e.g. `flightInOrder`): zod runs an object's
 * refinements only once every field is valid, so the form checks them itself, at once.
 */
export interface CrossFieldRule {
  holds: (payload: never) => boolean;
  message: { message: string; path: readonly PropertyKey[] };
}

export function plainKindOf(spec: FieldSpec | undefined): PlainFieldKind {
  if (spec === undefined) return 'other';
  if (spec.kind === 'money' || spec.kind === 'number') return spec.kind;
  if (spec.kind === 'list' || spec.kind === 'number-list' || spec.kind === 'choices') return 'list';
  return spec.kind === 'text' || spec.kind === 'textarea' ? 'text' : 'other';
}

/**
 * Plain messages by form field for what the contract refuses in `payload` (and `full`, the
 * whole form converted, for the cross-field rules of an edit whose payload holds only changes).
 * Fields in `skip` (they could not be converted, and say so already) get nothing more.
 */
export function contractViolations(
  schema: ContractSchema | undefined,
  rules: readonly CrossFieldRule[],
  payload: Record<string, unknown>,
  full: Record<string, unknown>,
  specs: readonly FieldSpec[],
  skip: ReadonlySet<string>,
): { byField: Record<string, string[]>; other: string[] } {
  const labels = new Map(specs.map((spec) => [spec.name, spec.label]));
  const issues: ContractIssue[] = [];
  const parsed = schema?.safeParse(payload);
  // The schema's own refinements over several fields are the `rules`, checked below with their
  // messages (zod runs them only once the rest is valid, and may leave their message out).
  const rulePaths = new Set(rules.map((rule) => rule.message.path.map(String).join('.')));
  const ownRule = (issue: ContractIssue) =>
    issue.code === 'custom' && (!issue.message || rulePaths.has((issue.path ?? []).map(String).join('.')));
  if (parsed && !parsed.success) issues.push(...parsed.error.issues.filter((issue) => !ownRule(issue)));
  for (const rule of rules) {
    if (!rule.holds(full as never)) issues.push({ code: 'custom', message: rule.message.message, path: rule.message.path });
  }
  const names = specs.map((spec) => spec.name);
  const byField: Record<string, string[]> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const field = (issue.path ?? []).map(String).join('.');
    const assigned = assignFieldErrors([{ field, message: issue.message ?? '' }], names);
    const target = Object.keys(assigned.byField)[0];
    if (target !== undefined && skip.has(target)) continue;
    const spec = specs.find((candidate) => candidate.name === target);
    const message = plainMessage(issue, spec?.label ?? field, plainKindOf(spec), labels);
    if (target === undefined) other.push(message);
    else if (!(byField[target] ??= []).includes(message)) byField[target].push(message);
  }
  return { byField, other };
}
