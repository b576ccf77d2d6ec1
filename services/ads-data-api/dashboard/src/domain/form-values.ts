// Form values are what inputs hold (strings, booleans, lists of strings); payloads are what
// the API takes. Conversions happen here, with local errors only where a value cannot even
// be sent (a number that is not a number); every other rule is the API's to state.
import { centsToInput, inputToCents } from './money';
import { conversionMessage } from './plain-message';

export type FieldKind = 'text' | 'textarea' | 'number' | 'money' | 'select' | 'checkbox' | 'datetime' | 'list' | 'number-list' | 'choices';
export type FormValue = string | boolean | string[];
export type FormValues = Record<string, FormValue>;

export interface FieldSpec {
  /** Dotted path in the API payload, e.g. "frequencyCap.count". */
  name: string;
  label: string;
  kind: FieldKind;
  options?: Array<{ value: string; label: string }>;
  help?: string;
  placeholder?: string;
  /** What an empty input sends: omit the field (default), null, or the empty string. */
  empty?: 'omit' | 'null' | 'empty';
  /** Shown only when creating, or only when editing. */
  only?: 'create' | 'edit';
  /** Fields of one group travel together in a PATCH (the API takes them as one object). */
  group?: string;
  /** Choices or a select whose values the API takes as numbers (e.g. weekdays, a cap's window). */
  numeric?: boolean;
  /** Shown, but not editable, when editing. */
  fixedOnEdit?: boolean;
  hidden?: (values: FormValues) => boolean;
  /** Marks the field required; without it, the contract's schema says (see ResourceForm). */
  required?: boolean;
  /** Checked as it is typed: a message shown under the input at once (null: fine). */
  liveCheck?: (value: FormValue) => string | null;
}

/** The input value of an API value. */
export function toInputValue(spec: FieldSpec, value: unknown): FormValue {
  switch (spec.kind) {
    case 'checkbox':
      return value === true;
    case 'choices':
      return Array.isArray(value) ? value.map(String) : [];
    case 'list':
    case 'number-list':
      return Array.isArray(value) ? value.join(', ') : '';
    case 'money':
      return typeof value === 'number' ? centsToInput(value) : '';
    case 'datetime':
      return typeof value === 'string' ? isoToLocalInput(value) : '';
    default:
      if (value === null || value === undefined) return '';
      // Text inputs show scalars as typed; anything else as the JSON the API sent.
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  }
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** "2025-03-01T09:30" in the browser's zone, as <input type="datetime-local"> holds it. */
export function isoToLocalInput(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

export function getPath(source: unknown, name: string): unknown {
  let value: unknown = source;
  for (const segment of name.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

export function setPath(target: Record<string, unknown>, name: string, value: unknown): void {
  const segments = name.split('.');
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments[segments.length - 1]!] = value;
}

/** Input values of an entity (edit) or of defaults (create). */
export function valuesOf(specs: FieldSpec[], source: unknown): FormValues {
  const values: FormValues = {};
  for (const spec of specs) values[spec.name] = toInputValue(spec, getPath(source, spec.name));
  return values;
}

type Converted = { value: unknown } | { omit: true } | { error: string };

function emptyValue(spec: FieldSpec, mode: 'create' | 'edit'): Converted {
  if (spec.empty === 'null') return { value: null };
  // A field emptied while editing must reach the API, which says whether it may be empty.
  if (mode === 'edit' && spec.empty !== 'empty') return { value: null };
  if (spec.empty === 'empty') return { value: '' };
  return { omit: true };
}

/** The API value of one input, or why it cannot be sent. */
export function convertValue(spec: FieldSpec, input: FormValue, mode: 'create' | 'edit' = 'create'): Converted {
  if (spec.kind === 'checkbox') return { value: input === true };
  if (spec.kind === 'choices') {
    const chosen = Array.isArray(input) ? input : [];
    return { value: spec.numeric ? chosen.map(Number) : chosen };
  }
  const text = typeof input === 'string' ? input : '';
  if (spec.kind === 'list') {
    return {
      value: text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    };
  }
  if (spec.kind === 'number-list') {
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    // A non-number is sent as typed so that the API names the bad entry.
    return { value: items.map((item) => (/^-?\d+$/.test(item) ? Number(item) : item)) };
  }
  if (text.trim() === '') return emptyValue(spec, mode);
  switch (spec.kind) {
    case 'number': {
      const number = Number(text.trim());
      return Number.isFinite(number) ? { value: number } : { error: conversionMessage(spec.label, 'number') };
    }
    case 'money': {
      const cents = inputToCents(text);
      return cents === undefined ? { error: conversionMessage(spec.label, 'money') } : { value: cents };
    }
    case 'datetime': {
      const at = new Date(text);
      return Number.isNaN(at.getTime()) ? { error: `${spec.label} must be a date and time` } : { value: at.toISOString() };
    }
    case 'select':
      return { value: spec.numeric ? Number(text) : text };
    default:
      return { value: text };
  }
}

/**
 * The payload of a form. On create every shown field goes; on edit only the fields that
 * changed (with the rest of their group), so that a PATCH touches what the person touched.
 */
export function buildPayload(
  specs: FieldSpec[],
  values: FormValues,
  mode: 'create' | 'edit',
  initial: FormValues,
): { payload: Record<string, unknown>; localErrors: Record<string, string[]> } {
  const payload: Record<string, unknown> = {};
  const localErrors: Record<string, string[]> = {};
  const shown = specs.filter(
    (spec) => (spec.only === undefined || spec.only === mode) && !(mode === 'edit' && spec.fixedOnEdit) && !spec.hidden?.(values),
  );
  const changed = new Set(
    shown.filter((spec) => JSON.stringify(values[spec.name]) !== JSON.stringify(initial[spec.name])).map((spec) => spec.name),
  );
  const changedGroups = new Set(shown.filter((spec) => changed.has(spec.name) && spec.group).map((spec) => spec.group));
  for (const spec of shown) {
    if (mode === 'edit' && !changed.has(spec.name) && !(spec.group && changedGroups.has(spec.group))) continue;
    const converted = convertValue(spec, values[spec.name] ?? '', mode);
    if ('error' in converted) localErrors[spec.name] = [converted.error];
    else if ('value' in converted) setPath(payload, spec.name, converted.value);
  }
  return { payload, localErrors };
}
