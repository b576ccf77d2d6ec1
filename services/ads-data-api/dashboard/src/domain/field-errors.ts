import type { FieldProblem } from '../api/api-problem';

/** Errors by form field name, plus those that belong to no field of the form. */
export interface FormErrors {
  byField: Record<string, string[]>;
  other: FieldProblem[];
}

/** "body.targeting.countries[0]", "/targeting/countries/0" → ["targeting", "countries", "0"]. */
export function pathOf(field: string): string[] {
  const segments = field
    .replace(/\[(\w+)\]/g, '.$1')
    .split(/[./]/)
    .filter((segment) => segment !== '');
  // Some APIs prefix where the value came from; the form only knows body fields.
  if (segments[0] === 'body' && segments.length > 1) segments.shift();
  return segments;
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

/**
 * Puts each API field error next to the input it is about: the form field whose dotted name
 * is the longest prefix of the error's path ("targeting.countries.0" → "targeting.countries");
 * an error about a group ("frequencyCap") goes to the group's first field. Errors of fields
 * the form does not show are returned in `other`, so that nothing is hidden.
 */
export function assignFieldErrors(problems: FieldProblem[], fieldNames: string[]): FormErrors {
  const byField: Record<string, string[]> = {};
  const other: FieldProblem[] = [];
  const fields = fieldNames.map((name) => ({ name, path: pathOf(name) }));
  for (const problem of problems) {
    const path = pathOf(problem.field);
    const matches = fields.filter((field) => startsWith(path, field.path)).sort((a, b) => b.path.length - a.path.length);
    const target = matches[0] ?? (path.length > 0 ? fields.find((field) => startsWith(field.path, path)) : undefined);
    if (target === undefined) {
      other.push(problem);
      continue;
    }
    (byField[target.name] ??= []).push(problem.message);
  }
  return { byField, other };
}
