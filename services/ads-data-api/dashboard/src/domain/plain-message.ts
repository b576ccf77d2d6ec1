// The one catalogue of what forms say about a bad value: a zod issue of the shared contracts
// (libs/ads-client/src/contracts/inventory.ts), or a value that cannot even be converted, as a
// plain sentence that starts with the field's label ("Daily budget must be a number").
import { formatCents } from './money';

/** The parts of a zod issue the catalogue reads (zod 4's issue shapes). */
export interface ContractIssue {
  code: string;
  /** Zod leaves it out where no error map wrote one (the browser bundle loads no locale). */
  message?: string;
  path?: ReadonlyArray<PropertyKey>;
  input?: unknown;
  expected?: string;
  origin?: string;
  format?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  values?: readonly unknown[];
  keys?: readonly string[];
}

/** How the field is typed in, so that bounds read as people write them (money in currency units). */
export type PlainFieldKind = 'text' | 'number' | 'money' | 'list' | 'other';

/** Messages zod writes itself; the contracts' own messages ("must be an IANA time zone…") are plain already. */
const zodDefault = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

function bound(value: number | bigint | undefined, kind: PlainFieldKind): string {
  if (value === undefined) return '';
  return kind === 'money' ? formatCents(Number(value)) : String(value);
}

/**
 * Replaces the payload names a contract message uses ("flightEnd must be after flightStart")
 * with the form's labels ("Flight end must be after Flight start").
 */
function withLabels(message: string, labels: ReadonlyMap<string, string>): string {
  return message.replace(/\b[a-z]+[A-Z][A-Za-z]*\b/g, (name) => labels.get(name) ?? name);
}

/** The sentence for a value the form could not convert before validating it. */
export function conversionMessage(label: string, kind: PlainFieldKind): string {
  if (kind === 'money') return `${label} must be a number, such as 12.50`;
  if (kind === 'number') return `${label} must be a number`;
  return `${label} is not valid`;
}

/** A plain sentence for one issue, naming the field by its label. */
export function plainMessage(
  issue: ContractIssue,
  label: string,
  kind: PlainFieldKind = 'other',
  labels: ReadonlyMap<string, string> = new Map(),
): string {
  if (issue.message !== undefined && issue.message !== '' && !zodDefault.test(issue.message)) {
    const message = withLabels(issue.message, labels);
    // "must be a row id" needs its field's label; "Flight end must be after…" and "a banner
    // needs…" are sentences of their own.
    if (/^(must|is|are|has|needs|cannot|may)\b/.test(message)) return `${label} ${message}`;
    return message.charAt(0).toUpperCase() + message.slice(1);
  }
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined || issue.input === null || issue.input === '') return `${label} is required`;
      if (issue.expected === 'number' || issue.expected === 'int') return conversionMessage(label, kind === 'money' ? 'money' : 'number');
      if (issue.expected === 'string') return `${label} must be text`;
      if (issue.expected === 'array') return `${label} must be a list`;
      return `${label} is not valid`;
    case 'too_small': {
      const inclusive = issue.inclusive !== false;
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? `${label} is required` : `${label} must be at least ${bound(issue.minimum, 'text')} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${label} needs at least ${bound(issue.minimum, 'text')}`;
      return `${label} must be ${inclusive ? 'at least' : 'more than'} ${bound(issue.minimum, kind)}`;
    }
    case 'too_big': {
      const inclusive = issue.inclusive !== false;
      if (issue.origin === 'string') return `${label} must be at most ${bound(issue.maximum, 'text')} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${label} takes at most ${bound(issue.maximum, 'text')}`;
      return `${label} must be ${inclusive ? 'at most' : 'less than'} ${bound(issue.maximum, kind)}`;
    }
    case 'invalid_format':
      if (issue.format === 'url') return `${label} must be a web address such as https://example.com/page`;
      if (issue.format === 'datetime' || issue.format === 'date') return `${label} must be a date and time`;
      if (issue.format === 'email') return `${label} must be an email address`;
      return `${label} is not in the expected form`;
    case 'invalid_value':
      return `${label} must be one of: ${(issue.values ?? []).map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `${(issue.keys ?? []).join(', ')} is not a field this form may send`;
    default:
      return `${label} is not valid`;
  }
}
