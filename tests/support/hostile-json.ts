// Hostile variations of valid JSON requests for the property-based hardening suite: a valid
// value (made by an arbitrary that follows a zod contract) is changed at one path by one kind
// of mutation: a wrong type, an extreme number or date, control characters, deep nesting, an
// unknown field, a huge string, a missing field. Values are JSON as it travels: `encodeJson`
// turns the `rawJson` placeholders into text JSON.stringify cannot write (1e400, 50,000 levels,
// 30-digit integers), so a test sees exactly the text the server parses.
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * JSON text written verbatim where the placeholder stands: a number token JSON.stringify cannot
 * write (`1e400`, which parses to Infinity), or nesting too deep for JSON.stringify's recursion.
 */
export const rawJson = (text: string): string => `@@raw:${Buffer.from(text).toString('base64url')}@@`;

/** JSON text of a value, with `rawJson` placeholders replaced by their text. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value).replace(/"@@raw:([A-Za-z0-9_-]*)@@"/g, (_, encoded: string) => Buffer.from(encoded, 'base64url').toString());
}

/** Every path of a JSON value (the root is `[]`), objects' keys and arrays' indexes. */
export function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

/** A copy of `root` with the node at `path` replaced by `replace(node)`; `undefined` removes it. */
export function replaceAt(root: Json, path: (string | number)[], replace: (node: Json) => Json | undefined): Json | undefined {
  if (path.length === 0) return replace(clone(root));
  const copy = clone(root);
  let parent = copy as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const next = replace(parent[last]!);
  if (next !== undefined) {
    // defineProperty, not assignment: a "__proto__" key must become an own field, as JSON.parse makes it.
    Object.defineProperty(parent, last, { value: next, enumerable: true, writable: true, configurable: true });
  } else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}

/** Characters that have no place in most fields: NUL, CR/LF, C0, DEL, C1, separators, surrogates, BOM. */
export const CONTROL_CHARACTERS = [
  '\u0000',
  '\r\n',
  '\n',
  '\r',
  '\t',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udfff',
  '\ufeff',
  '\u200b',
];

/** Instants around and past the limits (years 0, 1969, 9999, 10000, JS's last date) and malformed ones. */
export const EXTREME_DATES = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59.999-00:01',
  '+010000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T23:59:60Z',
  '2026-01-01T00:00:00+24:00',
  '2026-01-01T00:00:00',
  '2026-01-01',
  '2026-01-01T00:00:00.1234567890123Z',
  '1e400',
  'now',
  '',
];

/** Numbers JSON can carry that break naive code: past 32 and 53 bits, fractions, -0, tiny and huge. */
export const EXTREME_NUMBERS: (number | string)[] = [
  0,
  -0,
  -1,
  0.5,
  1.5e-320,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  2 ** 63,
  1e21,
  1e308,
  -1e308,
  rawJson('1e400'),
  rawJson('-1e400'),
  rawJson('123456789012345678901234567890'),
  rawJson('1E-400'),
];

const WRONG_TYPES: Json[] = [null, true, false, 0, 1, '', ' ', 'x', '1', 'true', 'null', [], [null], {}, { a: 1 }, [[]]];
const UNKNOWN_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'extra',
  'Name',
  'id',
  'version',
  'createdAt',
  '',
  ' ',
  '\u0000',
  'a.b',
  '$where',
];
const HOSTILE_STRINGS = [
  "' OR 1=1 --",
  '"; DROP TABLE ad; --',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '%0d%0aSet-Cookie: x=1',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '\u202eevil',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  '1e3',
  ' 5 ',
];

/** How to change one node: each kind names itself, so a failure says what was sent. */
export interface Mutation {
  kind: string;
  apply(node: Json): Json | undefined;
}

const insertInto = (node: Json, inserted: string, at: number): Json =>
  typeof node === 'string' ? node.slice(0, at % (node.length + 1)) + inserted + node.slice(at % (node.length + 1)) : `a${inserted}b`;

/** The node inside `depth` arrays or objects; past 1,000 levels as raw text (JSON.stringify recurses). */
function nest(node: Json, depth: number, asArray: boolean): Json {
  if (depth > 1_000)
    return rawJson(
      asArray
        ? `${'['.repeat(depth)}${encodeJson(node)}${']'.repeat(depth)}`
        : `${'{"a":'.repeat(depth)}${encodeJson(node)}${'}'.repeat(depth)}`,
    );
  let value = node;
  for (let level = 0; level < depth; level += 1) value = asArray ? [value] : { a: value };
  return value;
}

/** Mutations for JSON bodies and params; `hugeLengths` bounds the huge strings (bodies have limits). */
export function mutationArbitrary(options: { hugeLengths: number[] }): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.constantFrom(...WRONG_TYPES).map((value): Mutation => ({ kind: `wrong type ${JSON.stringify(value)}`, apply: () => value })),
    fc.constantFrom(...EXTREME_NUMBERS).map((value): Mutation => ({ kind: `extreme number ${String(value)}`, apply: () => value })),
    fc.constantFrom(...EXTREME_DATES).map((value): Mutation => ({ kind: `extreme date ${value}`, apply: () => value })),
    fc.tuple(fc.constantFrom(...CONTROL_CHARACTERS), fc.nat()).map(([character, at]): Mutation => ({
      kind: `control character ${JSON.stringify(character)}`,
      apply: (node) => insertInto(node, character, at),
    })),
    fc.tuple(fc.constantFrom(33, 40, 200, 50_000), fc.boolean()).map(([depth, asArray]): Mutation => ({
      kind: `nested ${depth} deep in ${asArray ? 'arrays' : 'objects'}`,
      apply: (node) => nest(node, depth, asArray),
    })),
    fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), fc.constantFrom<Json>(1, 'x', null, { polluted: true })).map(([key, value]): Mutation => ({
      kind: `unknown field ${JSON.stringify(key)}`,
      apply: (node) => {
        const target = node !== null && typeof node === 'object' && !Array.isArray(node) ? { ...node } : { value: node };
        Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
        return target;
      },
    })),
    fc.tuple(fc.constantFrom(...options.hugeLengths), fc.constantFrom('x', 'é', '😀', '\u0000')).map(([length, unit]): Mutation => ({
      kind: `huge string of ${length} × ${JSON.stringify(unit)}`,
      apply: () => unit.repeat(length),
    })),
    fc.constantFrom(...HOSTILE_STRINGS).map((value): Mutation => ({ kind: `hostile string ${JSON.stringify(value)}`, apply: () => value })),
    fc.constant<Mutation>({ kind: 'removed', apply: () => undefined }),
    fc.constant<Mutation>({ kind: 'huge array', apply: (node) => Array.from({ length: 3_000 }, () => node) }),
  );
}

/** A valid value and the value after one mutation at one of its paths. */
export interface MutatedCase<Valid extends Json> {
  valid: Valid;
  path: (string | number)[];
  mutation: string;
  /** undefined when the mutation removed the root. */
  value: Json | undefined;
}

/** Mutates a value from `valid` at a random path (the root included) with a random mutation. */
export function mutatedArbitrary<Valid extends Json>(
  valid: fc.Arbitrary<Valid>,
  options: { hugeLengths: number[] },
): fc.Arbitrary<MutatedCase<Valid>> {
  return fc.tuple(valid, fc.nat(), mutationArbitrary(options)).map(([value, pick, mutation]) => {
    const paths = pathsOf(value);
    const path = paths[pick % paths.length]!;
    return { valid: value, path, mutation: mutation.kind, value: replaceAt(value, path, (node) => mutation.apply(node)) };
  });
}

const LEAF_TEXT: [string, string][] = [
  ['NUL', '\u0000'],
  ['an unpaired surrogate', '\ud800'],
  ['CR/LF', '\r\n'],
];
const LEAF_NUMBERS: Json[] = [-1, 2 ** 31, 2 ** 53 + 2, rawJson('1e400')];

/**
 * The systematic pass beside the random one: every text field of a valid value with NUL, an
 * unpaired surrogate and CR/LF in the middle, and every number replaced by -1, 2^31, 2^53 + 2
 * and 1e400, one at a time.
 */
export function everyLeafMutated<Valid extends Json>(valid: Valid): MutatedCase<Valid>[] {
  const cases: MutatedCase<Valid>[] = [];
  for (const path of pathsOf(valid)) {
    let node: Json = valid;
    for (const step of path) node = (node as Record<string | number, Json>)[step]!;
    if (typeof node === 'string') {
      for (const [name, inserted] of LEAF_TEXT)
        cases.push({
          valid,
          path,
          mutation: `${name} in the text`,
          value: replaceAt(valid, path, (text) => insertInto(text, inserted, Math.ceil((text as string).length / 2))),
        });
    } else if (typeof node === 'number') {
      for (const number of LEAF_NUMBERS)
        cases.push({
          valid,
          path,
          mutation: `number ${JSON.stringify(number) ?? 'undefined'}`,
          value: replaceAt(valid, path, () => number),
        });
    }
  }
  return cases;
}
