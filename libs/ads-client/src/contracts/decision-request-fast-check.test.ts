import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { seededRng } from '../random/seeded-rng.js';
import { checkDecisionRequestFast } from './decision-request-fast-check.js';
import { decisionRequest } from './serving-contract.js';

type Draft = Record<string, unknown>;

// Freezing proves the check does not write to its input: a write to a frozen object throws in
// module (strict) code.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value);
    }
  }
  return value;
}

type Verdict = 'fast' | 'zod-only' | 'refused';

// The contract under test: undefined, or zod accepts and the two values are deep-equal.
function assertAgrees(input: unknown, context: string): Verdict {
  deepFreeze(input);
  const fast = checkDecisionRequestFast(input);
  const zod = decisionRequest.safeParse(input);
  const shown = () => `${context}\ninput: ${inspect(input, { depth: 6, breakLength: 160, maxStringLength: 200 })}`;
  if (fast === undefined) return zod.success ? 'zod-only' : 'refused';
  assert.ok(
    zod.success,
    `fast path accepted what zod refuses (${zod.error?.issues.map((issue) => issue.path.join('.') + ': ' + issue.message).join('; ')})\n${shown()}`,
  );
  assert.deepStrictEqual(fast, zod.data, shown());
  const source = input as Draft;
  assert.notEqual(fast.placements, source.placements, `placements must be a copy\n${shown()}`);
  if (Array.isArray(source.keywords)) assert.notEqual(fast.keywords, source.keywords, `keywords must be a copy\n${shown()}`);
  for (const [index, placement] of fast.placements.entries()) {
    const given = (source.placements as Draft[])[index]!;
    assert.notEqual(placement, given, `placement ${index} must be a copy\n${shown()}`);
    if (placement.formats !== undefined) assert.notEqual(placement.formats, given.formats, `formats ${index} must be a copy\n${shown()}`);
  }
  return 'fast';
}

const typicalRequests: Draft[] = [
  { placements: [{ divName: 'ad-top', placementKey: 'home-top' }] },
  {
    placements: [
      { divName: 'ad-top', placementKey: 'news.article-top', count: 1, formats: ['banner'] },
      { divName: 'ad-side', placementKey: 'news.article-side', count: 3, formats: ['native', 'banner'] },
    ],
    userKey: 'u_3f9a2c7d-41b0',
    pageUrl: 'https://news.example.com/2026/05/spring-sale?utm_source=newsletter&utm_medium=email#comments',
    referrer: 'https://www.google.com/',
    keywords: ['Sport', '  football ', 'PREMIER LEAGUE'],
    country: 'GB',
    device: 'mobile',
    consent: true,
  },
  {
    placements: [{ divName: 'slot1', placementKey: 'blog-inline', formats: ['native'] }],
    userKey: 'AbCdEfGh12345678',
    pageUrl: 'http://localhost:3000/preview?ad=1',
    referrer: '',
    keywords: [],
    device: 'desktop',
    consent: false,
  },
  {
    placements: [{ divName: 'hero', placementKey: 'shop-hero', count: 10 }],
    pageUrl: 'HTTPS://Shop.Example.CO.UK:8443/Cart/Items?q=a b&x=%20#Top',
    country: 'DE',
    device: 'tablet',
  },
  {
    placements: [
      { divName: 'top', placementKey: 'news-top', properties: { slot: 'top', article_tags: ['ads'] } },
      { divName: 'side', placementKey: 'news-side', properties: undefined },
    ],
    properties: { section: 'sports', article_tags: ['nba', 'nfl'], logged_in: true, word_count: 812, empty: '' },
  },
];

test('typical embed requests take the fast path and equal what zod returns', () => {
  for (const [index, request] of typicalRequests.entries()) {
    assert.equal(assertAgrees(request, `typical request #${index}`), 'fast', `typical request #${index} fell back to zod`);
  }
});

test('defaults, keyword normalisation and explicit undefined match zod', () => {
  const request = {
    placements: [{ divName: 'a', placementKey: 'p', count: undefined, formats: undefined }],
    userKey: undefined,
    pageUrl: '  https://example.com/path  ',
    keywords: ['  Ünïcödé  ', 'İSTANBUL', 'x'],
    consent: undefined,
  };
  assert.equal(assertAgrees(request, 'explicit undefined'), 'fast');
  const fast = checkDecisionRequestFast(request);
  assert.deepStrictEqual(fast, {
    placements: [{ divName: 'a', placementKey: 'p', count: 1, formats: undefined }],
    userKey: undefined,
    pageUrl: 'https://example.com/path',
    keywords: ['ünïcödé', 'i̇stanbul', 'x'],
    consent: true,
  });
  assert.ok(fast && 'userKey' in fast && !('referrer' in fast), 'a key given as undefined stays, an absent one stays absent');
  assert.equal(
    assertAgrees({ placements: [{ divName: 'a', placementKey: 'p', formats: ['native', 'native'] }] }, 'duplicate formats'),
    'fast',
  );
});

test('inputs zod refuses are never accepted', () => {
  const base = (): Draft => ({ placements: [{ divName: 'a', placementKey: 'p' }] });
  const refused: unknown[] = [
    null,
    [],
    'placements',
    {},
    { ...base(), placements: [] },
    { ...base(), extra: 1 },
    { placements: [{ divName: '', placementKey: 'p' }] },
    { placements: [{ divName: 'a', placementKey: 'p', count: 1.5 }] },
    { placements: [{ divName: 'a', placementKey: 'p', formats: [] }] },
    { placements: [{ divName: 'a', placementKey: 'p', formats: ['video'] }] },
    { ...base(), keywords: ['   '] },
    { ...base(), userKey: 'short' },
    { ...base(), country: 'gb' },
    { ...base(), device: 'tv' },
    { ...base(), pageUrl: 'javascript:alert(1)' },
    { ...base(), pageUrl: 'http:example.com' },
    { ...base(), pageUrl: 'https://' },
    { ...base(), consent: 'true' },
    JSON.parse('{"placements":[{"divName":"a","placementKey":"p"}],"__proto__":{"x":1}}'),
  ];
  for (const [index, input] of refused.entries()) {
    assert.equal(assertAgrees(input, `refused #${index}`), 'refused', `zod should refuse #${index}`);
  }
});

type Random = () => number;
const integer = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
const chance = (random: Random, probability: number) => random() < probability;
const text = (random: Random, length: number, alphabet: string) => {
  let result = '';
  for (let i = 0; i < length; i++) result += alphabet[Math.floor(random() * alphabet.length)];
  return result;
};

const SLUG = 'abcdefghijklmnopqrstuvwxyz0123456789-';
const USER_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const DIV_NAMES = ['ad-top', 'ad-side', 'slot1', 'div_banner_728x90', 'native-feed-3', 'Anzeige oben', 'pub-ünten'];
const KEYWORDS = ['sport', 'Football', '  news ', 'TECH', 'café', 'e-commerce', 'Premier League', 'été'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'NL', 'JP', 'BR'];
const DEVICES = ['desktop', 'mobile', 'tablet'];

function ordinaryUrl(random: Random): string {
  const host = [
    ...(chance(random, 0.6) ? [pick(random, ['www', 'news', 'm', 'blog', 'shop', 'cdn-1'])] : []),
    pick(random, ['example', 'my-site', 'news24', 'le-monde', 'a']),
    pick(random, ['com', 'org', 'co.uk', 'de', 'io', 'fr']),
  ].join('.');
  let url = `${pick(random, ['https', 'https', 'http'])}://${host}`;
  if (chance(random, 0.1)) url += `:${integer(random, 1, 65535)}`;
  const segments = integer(random, 0, 4);
  for (let i = 0; i < segments; i++) url += `/${text(random, integer(random, 1, 12), SLUG)}`;
  if (chance(random, 0.3)) url += '/';
  if (chance(random, 0.4)) url += `?utm_source=${text(random, 6, SLUG)}&id=${integer(random, 0, 99999)}`;
  if (chance(random, 0.1)) url += `#${text(random, 5, SLUG)}`;
  return url;
}

function validPlacement(random: Random): Draft {
  const placement: Draft = {
    divName: chance(random, 0.8) ? pick(random, DIV_NAMES) : text(random, integer(random, 1, 100), SLUG + '😀 '),
    placementKey: chance(random, 0.9)
      ? `${pick(random, ['home', 'news', 'blog'])}.${pick(random, ['top', 'side', 'inline'])}`
      : text(random, pick(random, [1, 100]), SLUG),
  };
  // String lengths are UTF-16 units: the emoji alphabet above can exceed 100 units, so clip it.
  if ((placement.divName as string).length > 100) placement.divName = (placement.divName as string).slice(0, 100);
  if ((placement.divName as string).length === 0) placement.divName = 'x';
  if (chance(random, 0.5)) placement.count = integer(random, 1, 10);
  if (chance(random, 0.5))
    placement.formats = pick(random, [['native'], ['banner'], ['native', 'banner'], ['banner', 'native'], ['native', 'native']]);
  return placement;
}

function validRequest(random: Random): Draft {
  const placements = [];
  const placementCount = chance(random, 0.05) ? 20 : integer(random, 1, 4);
  for (let i = 0; i < placementCount; i++) placements.push(validPlacement(random));
  const request: Draft = { placements };
  if (chance(random, 0.7)) request.userKey = text(random, integer(random, 8, 64), USER_KEY_ALPHABET);
  if (chance(random, 0.8)) request.pageUrl = ordinaryUrl(random);
  if (chance(random, 0.5)) request.referrer = chance(random, 0.8) ? ordinaryUrl(random) : '';
  if (chance(random, 0.6)) {
    const keywords = [];
    const keywordCount = chance(random, 0.05) ? 50 : integer(random, 0, 5);
    for (let i = 0; i < keywordCount; i++) keywords.push(pick(random, KEYWORDS));
    request.keywords = keywords;
  }
  if (chance(random, 0.5)) request.country = pick(random, COUNTRIES);
  if (chance(random, 0.5)) request.device = pick(random, DEVICES);
  if (chance(random, 0.5)) request.consent = chance(random, 0.8);
  return request;
}

const TOP_LEVEL_KEYS = ['placements', 'userKey', 'pageUrl', 'referrer', 'keywords', 'country', 'device', 'consent'];
const PLACEMENT_KEYS = ['divName', 'placementKey', 'count', 'formats'];
const EXTRA_KEYS = ['extra', 'placement', 'PageUrl', 'constructor', 'toString', 'hasOwnProperty', '0', '__proto__', ''];
const ODD_VALUES: unknown[] = [
  null,
  undefined,
  0,
  1,
  -1,
  1.5,
  NaN,
  Infinity,
  '',
  'x',
  '1',
  'true',
  true,
  false,
  [],
  [null],
  {},
  { a: 1 },
  'x'.repeat(3000),
];
const EMOJI = '😀';

const URLS = [
  'ftp://example.com/file',
  'javascript:alert(1)',
  'data:text/html,hi',
  'mailto:a@example.com',
  'wss://example.com/socket',
  '/relative/path',
  'example.com/path',
  '//example.com/path',
  'https://exa mple.com/',
  'https://example.com/with spaces in/path',
  'https://example.com/',
  `https://example.com/${'p'.repeat(2048 - 'https://example.com/'.length)}`,
  `https://example.com/${'p'.repeat(2049 - 'https://example.com/'.length)}`,
  `https://example.com/${EMOJI.repeat(1020)}`,
  `https://${'a'.repeat(63)}.com/`,
  `https://${'a'.repeat(64)}.com/`,
  `https://${('a'.repeat(60) + '.').repeat(5)}com/`,
  'https://bücher.de/',
  'https://xn--bcher-kva.de/',
  'https://xn--a.com/',
  'https://example.xn--a/',
  'https://xn--a/',
  'https://example.xn--p1ai/',
  'https://ab--cd.com/',
  'https://例え.テスト/',
  'https://',
  'http://',
  'https:',
  'https:///example.com',
  'https:////example.com',
  'http:example.com',
  'https:/example.com',
  'https:\\\\example.com',
  'HTTPS://EXAMPLE.COM/PATH',
  'HtTp://Example.Com',
  '  https://example.com/  ',
  '\thttps://example.com/\n',
  '\u00a0https://example.com/\ufeff',
  'https://exa\nmple.com/',
  'https://example.com/pa\tth',
  'https://example.com/\r\n',
  'https://example.com/\u0001',
  'https://example.com/\u0000x',
  'https://example.com/ü?q=é#ß',
  'https://example.com/\ud800',
  'https\u200b://example.com/',
  'https://127.0.0.1:8080/',
  'https://1.2.3.256/',
  'https://0x7f.1/',
  'https://[::1]:3000/',
  'https://[::1/',
  'https://foo.123/',
  'https://foo.0x1f/',
  'https://123/',
  'https://example.com:65535/',
  'https://example.com:65536/',
  'https://example.com:00080/',
  'https://example.com:/',
  'https://example.com:abc/',
  'https://user:pass@example.com/',
  'https://@example.com/',
  'https://example.com@evil.com/',
  'https://example.com\\evil.com',
  'https://-a.com/',
  'https://a-.com/',
  'https://a_b.example.com/',
  'https://a..b/',
  'https://.example.com/',
  'https://example.com./',
  'https://ex%41mple.com/',
  'https://exa%00mple.com/',
  'https://exam<ple.com/',
  'https://exam^ple.com/',
  'https://localhost:3000/',
  'http://localhost',
  'https://example.com?',
  'https://example.com#',
  'https://example.com/a?b=c#d?e=f',
];

const URL_NOISE = [
  ':',
  '/',
  '@',
  '%',
  ' ',
  '\t',
  '\n',
  '.',
  '-',
  '_',
  '[',
  ']',
  'ü',
  '0',
  '9',
  'x',
  '#',
  '?',
  '\\',
  '\u0000',
  '\u00a0',
  EMOJI,
];

function noisyUrl(random: Random): string {
  let url = ordinaryUrl(random);
  const edits = integer(random, 1, 3);
  for (let i = 0; i < edits; i++) {
    const at = integer(random, 0, url.length);
    const noise = pick(random, URL_NOISE);
    const kind = integer(random, 0, 2);
    if (kind === 0) url = url.slice(0, at) + noise + url.slice(at);
    else if (kind === 1) url = url.slice(0, at) + url.slice(at + 1);
    else url = url.slice(0, at) + noise + url.slice(at + 1);
  }
  return url;
}

function randomPlacementOf(request: Draft, random: Random): Draft | undefined {
  const placements = request.placements;
  if (!Array.isArray(placements) || placements.length === 0) return undefined;
  const index = integer(random, 0, placements.length - 1);
  const placement: unknown = placements[index];
  if (typeof placement !== 'object' || placement === null || Array.isArray(placement)) return undefined;
  return placement as Draft;
}

const SHORT_TEXT_VARIANTS = [
  '',
  'a',
  'ab',
  'x'.repeat(99),
  'x'.repeat(100),
  'x'.repeat(101),
  'Ä'.repeat(100),
  ' '.repeat(100),
  EMOJI.repeat(50),
  EMOJI.repeat(51),
  `a${EMOJI}`,
  '\ud800',
  5,
  null,
];
// eslint-disable-next-line no-loss-of-precision -- a literal that rounds to 10 is one of the variants
const COUNT_VARIANTS: unknown[] = [0, 1, 10, 11, 1.5, '2', -1, -0, NaN, Infinity, null, undefined, 2 ** 53, 1e21, 9.9999999999999999, true];
// Holes stand for sparse arrays, which JSON cannot carry but a hand-built params object can.
/* eslint-disable no-sparse-arrays -- the holes are the point (see above) */
const FORMAT_VARIANTS: unknown[] = [
  [],
  ['native'],
  ['banner', 'native'],
  ['native', 'banner', 'native'],
  ['video'],
  ['Native'],
  ['native', 'video'],
  ['banner', null],
  ['native', 'native'],
  'native',
  [null],
  undefined,
  null,
  [, 'native'],
  ['native', ,],
  { 0: 'native', length: 1 },
];
/* eslint-enable no-sparse-arrays */
const KEYWORD_VARIANTS: unknown[] = [
  ' spaced ',
  'UPPER',
  '   ',
  '',
  '\t\n',
  '\u00a0x\u3000',
  'ünïcödé',
  'İ'.repeat(50),
  'İ'.repeat(51),
  'x'.repeat(100),
  'x'.repeat(101),
  ` ${'x'.repeat(100)} `,
  EMOJI.repeat(50),
  EMOJI.repeat(51),
  5,
  null,
  undefined,
];
const KEYWORD_LIST_VARIANTS: unknown[] = [
  [],
  Array.from({ length: 50 }, (_, i) => `k${i}`),
  Array.from({ length: 51 }, (_, i) => `k${i}`),
  'sport',
  { 0: 'sport' },
  null,
];
const USER_KEY_VARIANTS: unknown[] = [
  'a'.repeat(7),
  'a'.repeat(8),
  'Z_-9'.repeat(16),
  'Z_-9'.repeat(16) + 'x',
  'abc def!gh',
  'ünïcödé-key',
  'abcdefgh\n',
  ' abcdefgh',
  '',
  12345678,
  null,
];
const COUNTRY_VARIANTS: unknown[] = ['US', 'us', 'uS', 'Us', 'USA', 'U', '', 'ÜS', 'US ', ' US', 'U\u0053', 123, null];
const DEVICE_VARIANTS: unknown[] = ['desktop', 'Desktop', 'tv', '', 'mobile ', null, 1];
const REFERRER_VARIANTS: unknown[] = [
  '',
  'r'.repeat(2048),
  'r'.repeat(2049),
  EMOJI.repeat(1024),
  EMOJI.repeat(1025),
  'not a url at all',
  42,
  null,
];
const CONSENT_VARIANTS: unknown[] = [true, false, 'true', 'false', 1, 0, null, undefined];

// Each field with the values worth trying in it; the deterministic test tries every one alone.
const TOP_LEVEL_VARIANTS: Array<[string, readonly unknown[]]> = [
  ['pageUrl', URLS],
  ['userKey', USER_KEY_VARIANTS],
  ['referrer', REFERRER_VARIANTS],
  ['keywords', KEYWORD_LIST_VARIANTS],
  ['country', COUNTRY_VARIANTS],
  ['device', DEVICE_VARIANTS],
  ['consent', CONSENT_VARIANTS],
];
const PLACEMENT_VARIANTS: Array<[string, readonly unknown[]]> = [
  ['divName', SHORT_TEXT_VARIANTS],
  ['placementKey', SHORT_TEXT_VARIANTS],
  ['count', COUNT_VARIANTS],
  ['formats', FORMAT_VARIANTS],
];

// JSON.parse, like a request body, makes "__proto__" an own key instead of setting the prototype.
function withOwnKey(value: Draft, key: string, keyValue: unknown): unknown {
  const rest = JSON.stringify(value).slice(1);
  return JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(keyValue)}${rest === '}' ? '' : ','}${rest}`);
}

function addOwnKey(target: Draft, key: string, value: unknown): void {
  // defineProperty, so that "__proto__" becomes an own key rather than a prototype swap.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// Each mutation edits a freshly generated request in place.
const mutations: Array<(request: Draft, random: Random) => void> = [
  (request, random) => {
    delete request[pick(random, TOP_LEVEL_KEYS)];
  },
  (request, random) => {
    addOwnKey(request, pick(random, EXTRA_KEYS), pick(random, ODD_VALUES));
  },
  (request, random) => {
    request[pick(random, TOP_LEVEL_KEYS)] = pick(random, ODD_VALUES);
  },
  (request, random) => {
    request[pick(random, TOP_LEVEL_KEYS.slice(1))] = undefined;
  },
  (request, random) => {
    const placements = request.placements;
    const first: unknown = Array.isArray(placements) ? placements[0] : undefined;
    const size = pick(random, [0, 1, 19, 20, 21, 25]);
    request.placements = pick(random, [
      Array.from({ length: size }, () => structuredClone(first ?? { divName: 'a', placementKey: 'p' })),
      { 0: first },
      [null],
      [[first]],
      [first, 'slot'],
      first,
    ]);
  },
  (request, random) => {
    const placement = randomPlacementOf(request, random);
    if (!placement) return;
    const operation = integer(random, 0, 2);
    if (operation === 0) delete placement[pick(random, PLACEMENT_KEYS)];
    else if (operation === 1) addOwnKey(placement, pick(random, EXTRA_KEYS), 1);
    else placement[pick(random, PLACEMENT_KEYS)] = pick(random, ODD_VALUES);
  },
  (request, random) => {
    const placement = randomPlacementOf(request, random);
    if (!placement) return;
    const [key, values] = pick(random, PLACEMENT_VARIANTS);
    placement[key] = pick(random, values);
  },
  (request, random) => {
    const placement = randomPlacementOf(request, random);
    if (placement) placement[pick(random, ['divName', 'placementKey'])] = text(random, pick(random, [0, 1, 100, 101]), SLUG + ' Ä' + EMOJI);
  },
  (request, random) => {
    const keywords = Array.isArray(request.keywords) ? [...(request.keywords as unknown[])] : [];
    keywords.splice(integer(random, 0, keywords.length), 0, pick(random, KEYWORD_VARIANTS));
    request.keywords = keywords;
  },
  (request, random) => {
    request.userKey = text(random, pick(random, [7, 8, 64, 65]), USER_KEY_ALPHABET + (chance(random, 0.2) ? ' .ü' : ''));
  },
  (request, random) => {
    const [key, values] = pick(random, TOP_LEVEL_VARIANTS);
    request[key] = pick(random, values);
  },
  (request, random) => {
    request.pageUrl = noisyUrl(random);
  },
  (request, random) => {
    const placement = randomPlacementOf(request, random);
    if (!placement || !Array.isArray(request.placements)) return;
    const index = request.placements.indexOf(placement);
    request.placements[index] = chance(random, 0.5)
      ? Object.assign(Object.create(null), placement)
      : withOwnKey(placement, '__proto__', { divName: 'x' });
  },
];

// These replace the root, so they come last.
const rootMutations: Array<(request: Draft, random: Random) => unknown> = [
  (request, random) => {
    const variant = integer(random, 0, 6);
    if (variant === 0) return Object.assign(Object.create(null), request);
    if (variant === 1) return Object.create(request);
    if (variant === 2) return [request];
    if (variant === 3) return JSON.stringify(request);
    if (variant === 4) return Object.assign(new (class Request {})(), request);
    if (variant === 5) {
      const placements = request.placements;
      return Object.defineProperty({ ...request }, 'placements', { get: () => placements, enumerable: true });
    }
    return null;
  },
  (request) => withOwnKey(request, '__proto__', { placements: [] }),
  (request) => withOwnKey(request, 'constructor', 'x'),
];

test('every tricky value, alone on an otherwise valid request, agrees with zod', () => {
  const base = (): Draft => ({ placements: [{ divName: 'ad-top', placementKey: 'home-top' }] });
  for (const [key, values] of TOP_LEVEL_VARIANTS) {
    for (const [index, value] of values.entries()) assertAgrees({ ...base(), [key]: value }, `${key} variant #${index}`);
  }
  for (const [key, values] of PLACEMENT_VARIANTS) {
    for (const [index, value] of values.entries())
      assertAgrees(
        { placements: [{ divName: 'ad-top', placementKey: 'home-top', [key]: value }] },
        `placements.0.${key} variant #${index}`,
      );
  }
  for (const [index, value] of KEYWORD_VARIANTS.entries())
    assertAgrees({ ...base(), keywords: ['sport', value] }, `keywords.1 variant #${index}`);
});

test('seeded property test: the fast path never disagrees with zod', () => {
  const seed = 20260501;
  const random = seededRng(seed);
  const tally = { valid: { fast: 0, 'zod-only': 0, refused: 0 }, mutated: { fast: 0, 'zod-only': 0, refused: 0 } };

  for (let i = 0; i < 3000; i++) {
    const verdict = assertAgrees(validRequest(random), `seed ${seed}, valid request #${i}`);
    tally.valid[verdict]++;
  }
  for (let i = 0; i < 12000; i++) {
    const request = validRequest(random);
    const applied: string[] = [];
    const rounds = integer(random, 1, 3);
    for (let round = 0; round < rounds; round++) {
      const which = integer(random, 0, mutations.length - 1);
      applied.push(String(which));
      mutations[which]!(request, random);
    }
    let input: unknown = request;
    if (chance(random, 0.1)) {
      const which = integer(random, 0, rootMutations.length - 1);
      applied.push(`root ${which}`);
      input = rootMutations[which]!(request, random);
    }
    const verdict = assertAgrees(input, `seed ${seed}, mutated request #${i}, mutations ${applied.join(', ')}`);
    tally.mutated[verdict]++;
  }

  // The generated valid requests are what embeds send; zod must take them all, and the fast
  // path must take nearly all, or it has quietly stopped being a fast path.
  assert.equal(tally.valid.refused, 0, `zod refused generated valid requests: ${JSON.stringify(tally)}`);
  assert.ok(
    tally.valid.fast >= 0.95 * (tally.valid.fast + tally.valid['zod-only']),
    `fast path took too few valid requests: ${JSON.stringify(tally)}`,
  );
  // The mutations must bite, and must leave some inputs valid, or the comparison proves little.
  assert.ok(tally.mutated.refused >= 0.3 * 12000, `too few mutated requests were refused: ${JSON.stringify(tally)}`);
  assert.ok(tally.mutated.fast >= 0.05 * 12000, `too few mutated requests stayed on the fast path: ${JSON.stringify(tally)}`);
  assert.ok(tally.mutated['zod-only'] > 0, `no mutated request was left to zod: ${JSON.stringify(tally)}`);
});
