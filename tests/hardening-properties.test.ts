// Property-based hardening (issue 12): requests generated from the zod contracts of
// @ads/ads-client, valid ones and mutations of them (wrong types, extreme numbers and dates,
// control characters, deep nesting, unknown fields, huge strings, missing fields, odd headers
// and raw bodies), sent to real processes: the data API's REST API and RPC, and serving.decide.
// Every answer: no crash or reset, no 5xx; a refusal names the problem (a field path or a
// message); what the contract refuses is refused; and a refused request changes no stored data
// (a fingerprint of every table, or of serving's Redis state, read around it).
//
// Cases are drawn with fc.sample from a fixed seed (HARDENING_SEED to change it), so a failure
// reproduces by its seed and case number; there is no shrinking, the failure prints the case.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { dataApiContract, inventory, KILL_SWITCHES, servingContract } from '@ads/ads-client';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import type { z } from 'zod';

import {
  encodeJson,
  everyLeafMutated,
  mutatedArbitrary,
  rawJson,
  CONTROL_CHARACTERS,
  EXTREME_DATES,
  type Json,
  type MutatedCase,
} from './support/hostile-json';
import {
  databaseState,
  fetchAnswer,
  probe,
  servingState,
  type ProbeAnswer,
  type ProbeCase,
  type ProbeTally,
  type StoredState,
} from './support/hardening-probe';
import { deleteKeys, runCacheWarming, startServing, testPrefix, type RunningServing } from './support/serving-stack';
import {
  createApiKey,
  createStackDatabase,
  seedStackDatabase,
  startDataApi,
  type RunningDataApi,
  type StackDatabase,
  type StackSeed,
} from './support/stack';

const SEED = Number(process.env.HARDENING_SEED ?? 20_261_205);
const BATCH = 16;
/** Cases per generator; the totals are printed at the end (about 1,700 REST, 1,100 RPC, 1,100 decide). */
const RUNS = {
  restCreate: 110,
  restPatch: 55,
  restList: 40,
  restReport: 80,
  restPath: 80,
  restRaw: 60,
  advertiserKey: 120,
  rpc: 100,
  rpcImports: 150,
  rpcEnvelope: 80,
  decide: 1_000,
};

const prefix = testPrefix();
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
let database: StackDatabase;
let seed: StackSeed;
let dataApi: RunningDataApi;
let serving: RunningServing;
let advertiserKey: string;
let stored: StoredState & { close(): Promise<void> };
const tallies = new Map<string, ProbeTally>();

/** Ids of the seeded inventory the generators refer to. */
interface Inventory {
  advertiserIds: string[];
  ownAdvertiserId: string;
  campaignIds: string[];
  ownCampaignIds: string[];
  adIds: string[];
  siteIds: string[];
  placementIds: string[];
  placementKeys: string[];
  switchIds: string[];
  cursors: Record<string, string>;
}
let ids: Inventory;

async function restGet<T>(path: string, key = seed.adminKey): Promise<T> {
  const response = await fetch(`${dataApi.url}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(response.status, 200, `GET ${path}`);
  return (await response.json()) as T;
}

const itemIds = async (path: string, key?: string) => (await restGet<{ items: { id: string }[] }>(path, key)).items.map((item) => item.id);

before(async () => {
  database = await createStackDatabase();
  seed = await seedStackDatabase(database.url);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: prefix });
  const warm = await runCacheWarming({ dataApiUrls: [dataApi.rpcUrl], serviceKey: seed.serviceKey, redisKeyPrefix: prefix });
  assert.equal(warm.code, 0, warm.stderr);
  serving = await startServing({ redisKeyPrefix: prefix });
  const advertiserIds = await itemIds('/advertisers?limit=200');
  const ownAdvertiserId = advertiserIds[0]!;
  advertiserKey = await createApiKey(database.url, 'advertiser', { name: 'hardening properties', advertiserId: ownAdvertiserId });
  const placements = (await restGet<{ items: { id: string; key: string }[] }>('/placements?limit=200')).items;
  const cursors: Record<string, string> = {};
  for (const list of ['advertisers', 'campaigns', 'ads', 'sites', 'placements', 'feature-switches', 'audit-log', 'api-keys']) {
    const page = await restGet<{ nextCursor: string | null }>(`/${list}?limit=1`);
    if (page.nextCursor !== null) cursors[list] = page.nextCursor;
  }
  ids = {
    advertiserIds,
    ownAdvertiserId,
    campaignIds: await itemIds('/campaigns?limit=200'),
    ownCampaignIds: await itemIds(`/campaigns?limit=200&advertiserId=${ownAdvertiserId}`),
    adIds: await itemIds('/ads?limit=200'),
    siteIds: await itemIds('/sites?limit=200'),
    placementIds: placements.map((placement) => placement.id),
    placementKeys: placements.map((placement) => placement.key),
    switchIds: await itemIds('/feature-switches?limit=200'),
    cursors,
  };
  stored = await databaseState(database.url);
});

after(async () => {
  await Promise.all([serving?.stop(), dataApi?.stop()]);
  await stored?.close();
  await database?.drop();
  await deleteKeys(prefix);
  redis.disconnect();
});

// ─── valid values, following the contracts ──────────────────────────────────────────────────

/** Text a person may type: ASCII, any code point, or graphemes; storable and trimmed non-empty. */
const humanText = (max: number) =>
  fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    )
    .map((text) => text.slice(0, max))
    .filter((text) => text.trim().length > 0 && inventory.isStorableText(text));
/** A suffix that keeps names, domains and keys of one run apart. */
const unique = fc.integer({ min: 0, max: 2 ** 40 }).map((value) => value.toString(36));
const OFFSETS = [0, 330, -480, 840, -720, 345];
/** An ISO instant with an offset, between 2024 and 2030. */
const isoInstant = (min = Date.UTC(2024, 0, 1), max = Date.UTC(2030, 0, 1)) =>
  fc.tuple(fc.integer({ min, max }), fc.constantFrom(...OFFSETS)).map(([epochMs, offsetMinutes]) => {
    if (offsetMinutes === 0) return new Date(epochMs).toISOString();
    const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, -1);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const absolute = Math.abs(offsetMinutes);
    return `${local}${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
  });
const flight = fc
  .tuple(isoInstant(), isoInstant())
  .filter(([a, b]) => Date.parse(a) !== Date.parse(b))
  .map(([a, b]) => (Date.parse(a) < Date.parse(b) ? { flightStart: a, flightEnd: b } : { flightStart: b, flightEnd: a }));
const url = fc
  .tuple(fc.constantFrom('https', 'http'), fc.domain(), fc.webPath())
  .map(([scheme, host, path]) => `${scheme}://${host}${path}`);
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });
const keyword = fc.stringMatching(/^[a-z][a-z0-9 -]{0,15}$/);

/** Keeps only values the contract accepts: the generators are checked against the schemas. */
const accepted = <T>(schema: z.ZodType, arbitrary: fc.Arbitrary<T>) => arbitrary.filter((value) => schema.safeParse(value).success);

const targeting = () =>
  fc.record(
    {
      countries: fc.uniqueArray(fc.constantFrom('US', 'FR', 'DE', 'GB', 'JP', 'BR'), { maxLength: 3 }),
      devices: fc.uniqueArray(fc.constantFrom('desktop', 'mobile', 'tablet'), { maxLength: 3 }),
      keywords: fc.array(keyword, { maxLength: 4 }),
      // The contract takes any id here; the data API checks that each site exists.
      siteIds: fc.uniqueArray(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...ids.siteIds) },
          { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 64 }) },
        ),
        { maxLength: 2 },
      ),
      categories: fc.array(humanText(100), { maxLength: 2 }),
      hours: fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { maxLength: 5 }),
      weekdays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
const frequencyCap = () =>
  fc.record({ count: fc.integer({ min: 1, max: 1000 }), windowSeconds: fc.integer({ min: 60, max: 30 * 24 * 3600 }) });
const budget = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.constant(inventory.MAX_BUDGET_MINOR_UNITS));
const campaignFields = () =>
  fc.record(
    {
      name: humanText(200),
      timeZone: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'),
      totalBudget: budget,
      dailyBudget: nullable(budget),
      pacing: fc.constantFrom('even', 'asap'),
      priority: fc.constantFrom('sponsorship', 'standard', 'house'),
      bidType: fc.constantFrom('CPM', 'CPC'),
      bidAmount: fc.integer({ min: 0, max: 1e9 }),
      frequencyCap: nullable(frequencyCap()),
      targeting: targeting(),
      exclusionLabel: nullable(humanText(100)),
    },
    { requiredKeys: ['name', 'totalBudget', 'bidAmount'] },
  );
const campaignCreate = (advertiserIds: string[]) =>
  accepted(
    inventory.campaignCreate,
    fc
      .tuple(fc.constantFrom(...advertiserIds), campaignFields(), flight)
      .map(([advertiserId, fields, dates]) => ({ advertiserId, ...fields, ...dates })),
  );
const adFields = () =>
  fc
    .record(
      {
        title: humanText(200),
        body: fc.string({ maxLength: 80 }),
        imageUrl: nullable(url),
        clickUrl: url,
        banner: fc.boolean(),
        width: fc.integer({ min: 1, max: 4000 }),
        height: fc.integer({ min: 1, max: 4000 }),
      },
      { requiredKeys: ['title', 'clickUrl', 'banner', 'width', 'height'] },
    )
    .map(({ banner, width, height, ...fields }) => (banner ? { ...fields, format: 'banner', width, height } : fields));
const adCreate = (campaignIds: string[]) =>
  accepted(
    inventory.adCreate,
    fc.tuple(fc.constantFrom(...campaignIds), adFields()).map(([campaignId, fields]) => ({ campaignId, ...fields })),
  );
const atLeastOneField = <T extends object>(arbitrary: fc.Arbitrary<T>) => arbitrary.filter((value) => Object.keys(value).length > 0);

/** Per REST resource: where to create and patch, and valid bodies drawn from the contracts. */
function restResources() {
  return [
    {
      name: 'advertisers',
      create: {
        schema: inventory.advertiserCreate,
        arbitrary: accepted(
          inventory.advertiserCreate,
          fc.record(
            { name: fc.tuple(humanText(150), unique).map(([name, suffix]) => `${name} ${suffix}`), externalId: nullable(unique) },
            { requiredKeys: ['name'] },
          ),
        ),
      },
      update: {
        schema: inventory.advertiserUpdate,
        ids: ids.advertiserIds.slice(1),
        arbitrary: atLeastOneField(
          fc.record({ name: fc.tuple(humanText(150), unique).map(([name, suffix]) => `${name} ${suffix}`) }, { requiredKeys: [] }),
        ),
      },
    },
    {
      name: 'campaigns',
      create: { schema: inventory.campaignCreate, arbitrary: campaignCreate(ids.advertiserIds) },
      update: {
        schema: inventory.campaignUpdate,
        ids: ids.campaignIds,
        arbitrary: accepted(
          inventory.campaignUpdate,
          atLeastOneField(
            fc
              .tuple(campaignFields(), fc.option(flight, { nil: undefined }))
              .map(([fields, dates]) => ({ ...fields, ...dates }))
              .chain((fields) =>
                fc
                  .subarray(Object.keys(fields))
                  .map((keys) => Object.fromEntries(keys.map((key) => [key, (fields as Record<string, unknown>)[key]]))),
              ),
          ),
        ),
      },
    },
    {
      name: 'ads',
      create: { schema: inventory.adCreate, arbitrary: adCreate(ids.campaignIds) },
      update: {
        schema: inventory.adUpdate,
        ids: ids.adIds,
        arbitrary: accepted(
          inventory.adUpdate,
          atLeastOneField(
            fc.record(
              {
                title: humanText(200),
                body: fc.string({ maxLength: 40 }),
                imageUrl: nullable(url),
                clickUrl: url,
                status: fc.constantFrom('active', 'paused'),
                reviewState: fc.constantFrom('pending', 'approved', 'rejected'),
              },
              { requiredKeys: [] },
            ),
          ),
        ),
      },
    },
    {
      name: 'sites',
      create: {
        schema: inventory.siteCreate,
        arbitrary: accepted(
          inventory.siteCreate,
          fc.record(
            {
              name: humanText(200),
              domain: fc.tuple(unique, fc.domain()).map(([suffix, domain]) => `s${suffix}.${domain}`.slice(0, 253)),
              category: nullable(humanText(100)),
            },
            { requiredKeys: ['name', 'domain'] },
          ),
        ),
      },
      update: {
        schema: inventory.siteUpdate,
        ids: ids.siteIds,
        arbitrary: atLeastOneField(fc.record({ name: humanText(200), category: nullable(humanText(100)) }, { requiredKeys: [] })),
      },
    },
    {
      name: 'placements',
      create: { schema: inventory.placementCreate, arbitrary: placementCreate() },
      update: { schema: inventory.placementUpdate, ids: ids.placementIds, arbitrary: placementUpdate() },
    },
    {
      name: 'feature-switches',
      create: {
        schema: inventory.featureSwitchCreate,
        arbitrary: accepted(
          inventory.featureSwitchCreate,
          fc
            .record({
              name: fc.constantFrom(...Object.values(KILL_SWITCHES)),
              enabled: fc.boolean(),
              percentage: fc.integer({ min: 0, max: 100 }),
              scoped: fc.oneof(
                fc.constant({ scope: 'global', scopeId: null }),
                fc.constantFrom(...ids.placementIds).map((scopeId) => ({ scope: 'placement', scopeId })),
                fc.constantFrom(...ids.advertiserIds).map((scopeId) => ({ scope: 'advertiser', scopeId })),
              ),
              description: nullable(fc.string({ maxLength: 60 })),
            })
            .map(({ scoped, ...fields }) => ({ ...fields, ...scoped })),
        ),
      },
      update: {
        schema: inventory.featureSwitchUpdate,
        ids: ids.switchIds,
        arbitrary: atLeastOneField(
          fc.record(
            { enabled: fc.boolean(), percentage: fc.integer({ min: 0, max: 100 }), description: nullable(fc.string({ maxLength: 60 })) },
            { requiredKeys: [] },
          ),
        ),
      },
    },
  ] as const;
}
const placementCreate = () =>
  accepted(
    inventory.placementCreate,
    fc.record(
      {
        siteId: fc.constantFrom(...ids.siteIds),
        key: fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), unique).map(([key, suffix]) => `${key}-${suffix}`),
        name: humanText(200),
        allowedFormats: fc.uniqueArray(fc.constantFrom('native', 'banner'), { minLength: 1 }),
        category: nullable(humanText(100)),
      },
      { requiredKeys: ['siteId', 'key', 'name'] },
    ),
  );
const placementUpdate = () =>
  atLeastOneField(
    fc.record(
      {
        name: humanText(200),
        allowedFormats: fc.uniqueArray(fc.constantFrom('native', 'banner'), { minLength: 1 }),
        category: nullable(humanText(100)),
      },
      { requiredKeys: [] },
    ),
  );

// ─── judging answers ────────────────────────────────────────────────────────────────────────

/** Dotted paths of what the contract refuses in a value; [] when it accepts it. */
function contractIssues(schema: z.ZodType, value: unknown): string[] {
  try {
    const result = schema.safeParse(value);
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  } catch (error) {
    return [`(the contract threw: ${(error as Error).message})`];
  }
}
const related = (a: string, b: string) => a === b || a === '' || b === '' || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/** A REST refusal is a problem document with a code and a detail; a validation failure names fields. */
function judgeRest(answer: ProbeAnswer, expected: { issues?: string[] | undefined } = {}): string[] {
  const problems: string[] = [];
  const body = answer.body as { code?: unknown; detail?: unknown; errors?: { field?: unknown; message?: unknown }[] } | undefined;
  const refusedByContract = expected.issues !== undefined && expected.issues.length > 0;
  if (answer.status < 400) {
    if (refusedByContract) problems.push(`accepted a value the contract refuses at ${expected.issues!.join(', ')}`);
    return problems;
  }
  if (typeof body?.code !== 'string' || typeof body.detail !== 'string' || body.detail.length === 0)
    return ['a refusal without a problem document naming it'];
  if (body.code === 'VALIDATION_FAILED') {
    const fields = (body.errors ?? []).map((error) => error.field);
    if (
      fields.length === 0 ||
      body.errors!.some((error) => typeof error.field !== 'string' || typeof error.message !== 'string' || error.message.length === 0)
    ) {
      problems.push('a validation failure that names no field');
    } else if (refusedByContract) {
      // "(body)" is the body as a whole (none was sent, or it is not an object).
      const named = (fields as string[]).map((field) => (field === '(body)' ? '' : field));
      if (!expected.issues!.some((issue) => named.some((field) => related(field, issue))))
        problems.push(`names ${fields.join(', ')} but the contract refuses ${expected.issues!.join(', ')}`);
    }
  }
  return problems;
}

/** A JSON-RPC refusal: an error with a message and a code; INVALID_PARAMS names the paths. */
function judgeRpcError(error: unknown, issues: string[] | undefined): string[] {
  const found = error as
    { code?: unknown; message?: unknown; data?: { code?: unknown; issues?: { path?: unknown; message?: unknown }[] } } | undefined;
  if (
    typeof found?.code !== 'number' ||
    typeof found.message !== 'string' ||
    found.message.length === 0 ||
    typeof found.data?.code !== 'string'
  )
    return ['a refusal without a JSON-RPC error naming it'];
  if (found.data.code !== 'INVALID_PARAMS') return [];
  const paths = (found.data.issues ?? []).map((issue) => (Array.isArray(issue.path) ? issue.path.join('.') : undefined));
  if (paths.length === 0 || paths.some((path) => path === undefined)) return ['INVALID_PARAMS without the paths of the issues'];
  if (issues !== undefined && issues.length > 0 && !issues.some((issue) => paths.some((path) => related(path!, issue))))
    return [`names ${paths.join(', ')} but the contract refuses ${issues.join(', ')}`];
  return [];
}

function judgeRpc(answer: ProbeAnswer, issues: string[] | undefined): string[] {
  const body = answer.body as { result?: unknown; error?: unknown } | { result?: unknown; error?: unknown }[] | undefined;
  if (body === undefined) return answer.status >= 400 ? ['a refusal whose body is not JSON'] : ['an answer that is not JSON'];
  if (Array.isArray(body)) return body.flatMap((item) => (item.error === undefined ? [] : judgeRpcError(item.error, undefined)));
  if (answer.status < 400) {
    if (issues !== undefined && issues.length > 0) return [`accepted params the contract refuses at ${issues.join(', ')}`];
    return body.error === undefined ? [] : ['an error answered with a 2xx status'];
  }
  return judgeRpcError(body.error, issues);
}

/** A feed row that failed names its field inside the row (`advertiser.name`, `ad.height`…). */
function judgeFeedOutcomes(answer: ProbeAnswer): string[] {
  const outcomes =
    (answer.body as { result?: { outcomes?: { outcome: string; field?: string; message?: string }[] } } | undefined)?.result?.outcomes ??
    [];
  return outcomes
    .filter(
      (outcome) =>
        outcome.outcome === 'failed' && !(/^(advertiser|campaign|ad)\.\w/.test(outcome.field ?? '') && (outcome.message ?? '') !== ''),
    )
    .map((outcome) => `a failed feed row names no field of the row: ${JSON.stringify(outcome)}`);
}

// ─── REST cases ─────────────────────────────────────────────────────────────────────────────

interface RestRequest {
  method: string;
  path: string;
  key?: string | null;
  headers?: Record<string, string>;
  /** JSON text, or undefined for no body. */
  body?: string | undefined;
}

function restCase(surface: string, request: RestRequest, judge: (answer: ProbeAnswer) => string[], likelyRefused = false): ProbeCase {
  const key = request.key === undefined ? seed.adminKey : request.key;
  const headers: Record<string, string> = {
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    ...request.headers,
  };
  return {
    surface,
    describe: () => `${request.method} ${request.path} ${JSON.stringify(request.headers ?? {})} ${request.body ?? ''}`,
    send: () => fetchAnswer(`${dataApi.url}/api/v1${request.path}`, { method: request.method, headers, body: request.body }),
    judge,
    likelyRefused,
  };
}

/** A body as sent (or, for a removed root, none), and what the contract says of it. */
function bodyOf(value: Json | undefined, schema: z.ZodType): { body: string | undefined; issues: string[] } {
  if (value === undefined) return { body: undefined, issues: contractIssues(schema, {}) };
  const body = encodeJson(value);
  return { body, issues: contractIssues(schema, JSON.parse(body)) };
}

const HUGE_REST = [201, 2_049, 70_000, 1_100_000];
const validOrMutated = <T extends Json>(arbitrary: fc.Arbitrary<T>, hugeLengths: number[]) =>
  fc.oneof(
    { weight: 1, arbitrary: arbitrary.map((valid) => ({ valid, path: [] as (string | number)[], mutation: 'none', value: valid })) },
    { weight: 4, arbitrary: mutatedArbitrary(arbitrary, { hugeLengths }) },
  );

/** The random cases of a generator, then the systematic leaf mutations of `leafSamples` valid values. */
function casesOf<T extends Json>(arbitrary: fc.Arbitrary<T>, runs: number, hugeLengths: number[], leafSamples = 2): MutatedCase<Json>[] {
  return [
    ...sample(validOrMutated(arbitrary, hugeLengths), runs),
    ...sample(arbitrary, leafSamples).flatMap((valid) => everyLeafMutated<Json>(valid)),
  ];
}

let seedOffset = 0;
/** Cases of one generator, from the suite's seed (each generator its own stream). */
function sample<T>(arbitrary: fc.Arbitrary<T>, count: number): T[] {
  seedOffset += 1;
  return fc.sample(arbitrary, { seed: SEED + seedOffset, numRuns: count });
}

function restWriteCases(): ProbeCase[] {
  const cases: ProbeCase[] = [];
  for (const resource of restResources()) {
    const createArbitrary = resource.create.arbitrary as unknown as fc.Arbitrary<Json>;
    for (const generated of casesOf(createArbitrary, RUNS.restCreate, HUGE_REST)) {
      const { body, issues } = bodyOf(generated.value, resource.create.schema);
      cases.push(
        restCase(
          `REST POST /${resource.name}`,
          { method: 'POST', path: `/${resource.name}`, body },
          (answer) => judgeRest(answer, { issues }),
          issues.length > 0,
        ),
      );
    }
    const patchIds = sample(fc.constantFrom(...resource.update.ids), RUNS.restPatch * 2);
    for (const [at, generated] of casesOf(
      resource.update.arbitrary as unknown as fc.Arbitrary<Json>,
      RUNS.restPatch,
      HUGE_REST,
      1,
    ).entries()) {
      const id = patchIds[at % patchIds.length]!;
      const { body, issues } = bodyOf(generated.value, resource.update.schema);
      cases.push(
        restCase(
          `REST PATCH /${resource.name}/{id}`,
          { method: 'PATCH', path: `/${resource.name}/${id}`, headers: { 'if-match': '*' }, body },
          (answer) => judgeRest(answer, { issues }),
          issues.length > 0,
        ),
      );
    }
  }
  return cases;
}

/** List queries: each list's valid parameters, then hostile values, keys and encodings. */
function restListCases(): ProbeCase[] {
  const limit = fc.integer({ min: 1, max: 200 }).map(String);
  const search = humanText(60);
  const id = (pool: string[]) => fc.constantFrom(...pool);
  const lists: Record<string, Record<string, fc.Arbitrary<string>>> = {
    advertisers: {
      limit,
      sort: fc.constantFrom('createdAt', '-name', 'updatedAt'),
      status: fc.constantFrom('active', 'archived'),
      q: search,
    },
    campaigns: {
      limit,
      sort: fc.constantFrom('-createdAt', 'name', 'flightStart', '-flightEnd'),
      status: fc.constantFrom('draft', 'active', 'paused'),
      advertiserId: id(ids.advertiserIds),
      priority: fc.constantFrom('sponsorship', 'house'),
      bidType: fc.constantFrom('CPM', 'CPC'),
      q: search,
    },
    ads: {
      limit,
      sort: fc.constantFrom('-createdAt', 'title'),
      status: fc.constantFrom('active', 'paused'),
      reviewState: fc.constantFrom('pending', 'approved'),
      format: fc.constantFrom('native', 'banner'),
      campaignId: id(ids.campaignIds),
      advertiserId: id(ids.advertiserIds),
      q: search,
    },
    sites: { limit, sort: fc.constantFrom('name', '-domain'), status: fc.constantFrom('active', 'archived'), category: search, q: search },
    placements: {
      limit,
      sort: fc.constantFrom('key', '-name'),
      status: fc.constantFrom('active'),
      siteId: id(ids.siteIds),
      format: fc.constantFrom('native', 'banner'),
      q: search,
    },
    'feature-switches': {
      limit,
      sort: fc.constantFrom('name', '-createdAt'),
      scope: fc.constantFrom('global', 'placement'),
      scopeId: id(ids.placementIds),
      enabled: fc.constantFrom('true', 'false', '1', '0'),
      q: search,
    },
    'audit-log': {
      limit,
      sort: fc.constantFrom('at', '-at'),
      entityType: fc.constantFrom('campaign', 'ad'),
      entityId: id(ids.campaignIds),
      action: fc.constantFrom('campaign.update', 'create'),
      from: isoInstant(0, Date.UTC(2030, 0, 1)),
      to: isoInstant(),
    },
    'api-keys': {
      limit,
      sort: fc.constantFrom('name', '-createdAt'),
      role: fc.constantFrom('admin', 'service', 'advertiser', 'importer'),
      advertiserId: id(ids.advertiserIds),
      revoked: fc.constantFrom('true', 'false'),
    },
    'import-runs': {
      limit,
      sort: fc.constantFrom('createdAt', '-createdAt'),
      status: fc.constantFrom('queued', 'running', 'failed'),
      format: fc.constantFrom('csv', 'json'),
    },
  };
  const hostileValue = fc.oneof(
    fc.constantFrom(...CONTROL_CHARACTERS).map((character) => `a${character}b`),
    fc.constantFrom(...EXTREME_DATES),
    fc.constantFrom('0', '-1', '201', '1.5', '1e3', '9'.repeat(400), 'NaN', 'Infinity', '0x10', ' 7', ''),
    fc.constantFrom('x'.repeat(201), 'é'.repeat(2_000), 'x'.repeat(7_000)),
    fc.constantFrom("' OR 1=1 --", '%', '\\', '[]', '{}', 'undefined', '__proto__'),
  );
  /** Raw text put into the query string as is: broken percent-encodings, bracket syntax, odd separators. */
  const rawSuffix = fc.constantFrom(
    '%',
    '%zz',
    '%C0%80',
    '%ED%A0%80',
    '%FF',
    'limit[]=1',
    'limit[a]=1',
    'q[$ne]=x',
    '&&&',
    '=x',
    'q',
    'q=a%00b',
    'limit=1&limit=2',
    'cursor=',
    'sort=',
    `a=${'b'.repeat(3_000)}`,
  );
  const cursorMutation = (list: string) =>
    fc.oneof(
      fc.constant(ids.cursors[list] ?? 'none'),
      fc.constantFrom(...Object.values(ids.cursors)),
      fc.nat().map((at) => {
        const cursor = ids.cursors[list] ?? 'abc';
        const position = at % cursor.length;
        return `${cursor.slice(0, position)}${cursor[position] === 'A' ? 'B' : 'A'}${cursor.slice(position + 1)}`;
      }),
      fc.base64String({ minLength: 4, maxLength: 200 }),
      fc.constant(Buffer.from('{"v":1,"after":["x",null]}').toString('base64url')),
    );
  const cases: ProbeCase[] = [];
  for (const [list, parameters] of Object.entries(lists)) {
    const query = fc.record(parameters, { requiredKeys: [] });
    const mutated = fc.tuple(
      query,
      fc.nat(),
      fc.oneof(
        hostileValue.map((value) => ({ kind: 'value' as const, value })),
        rawSuffix.map((value) => ({ kind: 'raw' as const, value })),
        cursorMutation(list).map((value) => ({ kind: 'cursor' as const, value })),
        fc.constant({ kind: 'unknown' as const, value: 'x' }),
      ),
    );
    const generated = fc.oneof(
      { weight: 1, arbitrary: query.map((valid) => ({ valid, pick: 0, mutation: undefined })) },
      { weight: 4, arbitrary: mutated.map(([valid, pick, mutation]) => ({ valid, pick, mutation })) },
    );
    for (const { valid, pick, mutation } of sample(generated, RUNS.restList)) {
      const parts = Object.entries(valid).map(([name, value]) => [name, value as string]);
      let raw = '';
      if (mutation?.kind === 'value') {
        const names = Object.keys(parameters);
        const name = names[pick % names.length]!;
        const existing = parts.find((part) => part[0] === name);
        if (existing) existing[1] = mutation.value;
        else parts.push([name, mutation.value]);
      } else if (mutation?.kind === 'cursor') parts.push(['cursor', mutation.value]);
      else if (mutation?.kind === 'unknown') parts.push([['zip', 'limit ', 'Limit', 'cursor[0]', 'q.x', '__proto__'][pick % 6]!, 'x']);
      else if (mutation?.kind === 'raw') raw = mutation.value;
      // encodeURIComponent throws on an unpaired surrogate (a URL cannot carry one); UTF-8 makes it U+FFFD.
      const encoded = parts
        .map(([name, value]) => `${encodeURIComponent(name!)}=${encodeURIComponent(Buffer.from(value!).toString())}`)
        .join('&');
      const search = [encoded, raw].filter((part) => part !== '').join('&');
      cases.push(
        restCase(
          `REST GET /${list}`,
          { method: 'GET', path: `/${list}${search === '' ? '' : `?${search}`}` },
          (answer) => judgeRest(answer),
          mutation !== undefined,
        ),
      );
    }
  }
  return cases;
}

function restReportCases(): ProbeCase[] {
  const range = fc.oneof(
    fc.record({ from: isoInstant(), to: isoInstant(), granularity: fc.constantFrom('hour', 'day') }, { requiredKeys: [] }),
    fc.record(
      {
        from: fc.constantFrom(...EXTREME_DATES),
        to: fc.constantFrom(...EXTREME_DATES),
        granularity: fc.constantFrom('hour', 'day', 'week', 'HOUR', '', 'day\u0000'),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        from: isoInstant(0, Date.UTC(9999, 0, 1)),
        to: isoInstant(0, Date.UTC(9999, 11, 31)),
        granularity: fc.constantFrom('hour', 'day'),
        extra: fc.constantFrom('x', ''),
      },
      { requiredKeys: [] },
    ),
  );
  const target = fc.oneof(
    fc.constantFrom(...ids.campaignIds).map((id) => `campaigns/${id}`),
    fc.constantFrom(...ids.adIds).map((id) => `ads/${id}`),
    fc.constantFrom('campaigns/not-a-uuid', `ads/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`, `campaigns/${ids.adIds[0]}`),
  );
  return sample(fc.tuple(target, range), RUNS.restReport).map(([path, query]) => {
    const search = new URLSearchParams(query as Record<string, string>).toString();
    return restCase('REST GET /reports', { method: 'GET', path: `/reports/${path}?${search}` }, (answer) => judgeRest(answer));
  });
}

/** Hostile ids in paths, odd methods, headers (If-Match, Idempotency-Key) and keys. */
function restPathCases(): ProbeCase[] {
  const resources = ['advertisers', 'campaigns', 'ads', 'sites', 'placements', 'feature-switches', 'api-keys', 'import-runs'];
  const hostileId = fc.constantFrom(
    'abc',
    '%00',
    encodeURIComponent('a\r\nb'),
    '00000000-0000-0000-0000-000000000000',
    ids.campaignIds[0]!.toUpperCase(),
    `${ids.campaignIds[0]}%00`,
    'x'.repeat(5_000),
    '..%2F..%2Fetc%2Fpasswd',
    '%E0%A4%A',
    '%',
    '1e400',
    '-1',
    ' ',
    '%20',
  );
  const request = fc.record({
    resource: fc.constantFrom(...resources),
    id: hostileId,
    action: fc.constantFrom('', '/archive', '/activate', '/revoke', '/nope'),
    method: fc.constantFrom('GET', 'PATCH', 'DELETE', 'POST', 'PUT', 'OPTIONS'),
    ifMatch: fc.constantFrom('*', 'W/"1"', '"1"', 'W/"99999999999999999999"', 'W/"-1"', '', 'W/""', 'W/"1", W/"2"', undefined),
    idempotencyKey: fc.constantFrom('k', 'x'.repeat(256), ' ', 'a b', 'é', undefined),
    key: fc.constantFrom<string | null | undefined>(undefined, null, 'ads_unknown', 'Bearer', 'ads_' + 'x'.repeat(43)),
  });
  return sample(request, RUNS.restPath).map((generated) => {
    const headers: Record<string, string> = {};
    if (generated.ifMatch !== undefined) headers['if-match'] = generated.ifMatch;
    if (generated.idempotencyKey !== undefined) headers['idempotency-key'] = generated.idempotencyKey;
    const body = ['PATCH', 'POST', 'PUT'].includes(generated.method) ? '{"name":"x"}' : undefined;
    return restCase(
      `REST ${generated.method} /{resource}/{hostile id}`,
      { method: generated.method, path: `/${generated.resource}/${generated.id}${generated.action}`, headers, body, key: generated.key },
      (answer) => judgeRest(answer),
      true,
    );
  });
}

/** Bodies that are not the JSON object a write expects: broken, empty, other types, other media types. */
function restRawCases(): ProbeCase[] {
  const body = fc.constantFrom(
    '',
    'null',
    '[]',
    '"x"',
    '1',
    '{',
    '{"name":',
    '{"name":"a","name":"b"}',
    '\ufeff{"name":"x"}',
    'NaN',
    `{"name":"${'\\ud800'}"}`,
    `{"name":"a\\u0000b"}`,
    `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
    `{"name":"${'x'.repeat(1_100_000)}"}`,
    '{"__proto__":{"isAdmin":true},"name":"proto"}',
    '{"constructor":{"prototype":{"x":1}},"name":"c"}',
  );
  const contentType = fc.constantFrom(
    'application/json',
    'text/plain',
    'application/json; charset=utf-16',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/merge-patch+json',
    '',
  );
  const target = fc.oneof(
    fc
      .constantFrom('advertisers', 'campaigns', 'ads', 'sites', 'placements', 'feature-switches', 'api-keys')
      .map((resource) => ({ method: 'POST', path: `/${resource}` })),
    fc.constantFrom(...ids.campaignIds).map((id) => ({ method: 'PATCH', path: `/campaigns/${id}` })),
    fc.constantFrom(...ids.placementIds).map((id) => ({ method: 'PATCH', path: `/placements/${id}` })),
  );
  return sample(fc.tuple(target, body, contentType), RUNS.restRaw).map(([{ method, path }, text, type]) =>
    restCase(
      'REST raw bodies',
      { method, path, body: text, headers: { 'content-type': type, 'if-match': '*' } },
      (answer) => judgeRest(answer),
      true,
    ),
  );
}

/** An advertiser key: its own campaigns and ads, another advertiser's, and lists. */
function advertiserKeyCases(): ProbeCase[] {
  const create = fc.oneof(
    validOrMutated(campaignCreate([ids.ownAdvertiserId, ids.advertiserIds[1]!]) as unknown as fc.Arbitrary<Json>, HUGE_REST).map(
      (generated) => ({ path: '/campaigns', method: 'POST', schema: inventory.campaignCreate, generated }),
    ),
    validOrMutated(
      adCreate([...ids.ownCampaignIds, ids.campaignIds.find((id) => !ids.ownCampaignIds.includes(id))!]) as unknown as fc.Arbitrary<Json>,
      HUGE_REST,
    ).map((generated) => ({ path: '/ads', method: 'POST', schema: inventory.adCreate, generated })),
    fc
      .tuple(
        fc.constantFrom(...ids.ownCampaignIds, ids.campaignIds.at(-1)!),
        validOrMutated(fc.record({ name: humanText(100), totalBudget: budget }, { requiredKeys: [] }) as fc.Arbitrary<Json>, HUGE_REST),
      )
      .map(([id, generated]) => ({ path: `/campaigns/${id}`, method: 'PATCH', schema: inventory.campaignUpdate, generated })),
  );
  return sample(create, RUNS.advertiserKey).map(({ path, method, schema, generated }) => {
    const { body, issues } = bodyOf(generated.value, schema);
    return restCase(
      `REST advertiser key ${method} ${path.replace(/[0-9a-f-]{36}/, '{id}')}`,
      { method, path, body, key: advertiserKey, headers: { 'if-match': '*' } },
      (answer) => judgeRest(answer, { issues }),
      issues.length > 0,
    );
  });
}

// ─── RPC cases ──────────────────────────────────────────────────────────────────────────────

type RpcKey = 'admin' | 'service' | 'importer';
const keyOf = (role: RpcKey) => ({ admin: seed.adminKey, service: seed.serviceKey, importer: seed.importerKey })[role];

function rpcCase(
  surface: string,
  rpcUrl: string,
  text: string,
  options: { token?: string | undefined; contentType?: string; issues?: string[] | undefined; describe?: string; likelyRefused?: boolean },
): ProbeCase {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return {
    surface,
    describe: () => options.describe ?? text,
    send: () => fetchAnswer(rpcUrl, { method: 'POST', headers, body: text }),
    judge: (answer) => judgeRpc(answer, options.issues),
    likelyRefused: options.likelyRefused ?? (options.issues !== undefined && options.issues.length > 0),
  };
}

const HUGE_RPC = [201, 2_049, 70_000, 1_100_000];
let batchSerial = 0;

function dataApiRpcCases(): ProbeCase[] {
  const hour = fc
    .integer({ min: Date.UTC(2025, 0, 1) / 3_600_000, max: Date.UTC(2027, 0, 1) / 3_600_000 })
    .map((hours) => new Date(hours * 3_600_000).toISOString());
  // The contracts take any safe integer here: small ones mostly, the whole range too.
  const counter = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 1_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) },
  );
  const externalId = fc.oneof(unique, fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }));
  const statsRow = fc.record({
    adId: fc.constantFrom(...ids.adIds),
    hour,
    impressions: counter,
    viewableImpressions: counter,
    clicks: counter,
    spendMicros: counter,
  });
  const feedRow = fc
    .tuple(
      externalId,
      externalId,
      campaignFields(),
      flight,
      adFields(),
      fc.oneof(fc.constantFrom('a', 'b', 'c'), externalId),
      humanText(200),
    )
    .map(([campaignId, adId, campaign, dates, ad, advertiser, name]) => ({
      advertiser: { externalId: `feed-${advertiser}`, name: `${name} ${advertiser}`.slice(0, 200) },
      campaign: { ...campaign, ...dates, externalId: campaignId, dailyBudget: campaign.dailyBudget ?? null },
      ad: { ...ad, externalId: adId },
    }));
  const count = counter;
  const methods: { name: string; role: RpcKey; params: fc.Arbitrary<Json> }[] = [
    { name: 'placements.get', role: 'service', params: fc.record({ id: fc.constantFrom(...ids.placementIds) }) },
    {
      name: 'placements.list',
      role: 'service',
      params: fc.record(
        {
          filters: fc.record(
            {
              siteId: fc.constantFrom(...ids.siteIds),
              status: fc.constantFrom('active', 'archived'),
              format: fc.constantFrom('native', 'banner'),
              q: humanText(50),
            },
            { requiredKeys: [] },
          ),
          limit: fc.integer({ min: 1, max: 2_000 }),
          cursor: fc.base64String({ minLength: 4, maxLength: 40 }),
        },
        { requiredKeys: [] },
      ),
    },
    { name: 'placements.create', role: 'admin', params: placementCreate() },
    { name: 'placements.update', role: 'admin', params: fc.record({ id: fc.constantFrom(...ids.placementIds), patch: placementUpdate() }) },
    {
      name: 'stats.query',
      role: 'service',
      params: fc.record(
        {
          level: fc.constantFrom('ad', 'campaign', 'advertiser'),
          ids: fc.array(
            fc.oneof(fc.constantFrom(...ids.adIds, ...ids.campaignIds, ...ids.advertiserIds), fc.string({ minLength: 1, maxLength: 40 })),
            { maxLength: 5 },
          ),
          from: isoInstant(Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1)),
          to: isoInstant(Date.UTC(2026, 0, 1), Date.UTC(2026, 2, 1)),
          granularity: fc.constantFrom('hour', 'day'),
        },
        { requiredKeys: ['level', 'from', 'to'] },
      ),
    },
    {
      name: 'stats.ingest',
      role: 'service',
      params: fc.record({ batchId: unique.map((id) => `fuzz:${id}`), rows: fc.array(statsRow, { minLength: 1, maxLength: 8 }) }),
    },
    { name: 'imports.upsertRows', role: 'importer', params: fc.record({ rows: fc.array(feedRow, { minLength: 1, maxLength: 3 }) }) },
    {
      name: 'imports.recordRun',
      role: 'importer',
      params: fc.record({
        source: humanText(80),
        format: fc.constantFrom('csv', 'json'),
        status: fc.constantFrom('queued', 'running', 'succeeded', 'failed', 'partially_succeeded'),
        total: count,
        created: count,
        updated: count,
        unchanged: count,
        failed: count,
        errors: fc.array(
          fc.record({
            line: counter,
            field: fc.constantFrom('ad.title', 'campaign.name'),
            message: fc.string({ unit: 'binary', maxLength: 40 }),
          }),
          { maxLength: 3 },
        ),
        startedAt: isoInstant(Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1)),
        finishedAt: nullable(isoInstant(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1))),
      }),
    },
    {
      name: 'inventory.snapshot',
      role: 'service',
      params: fc.record(
        { limit: fc.integer({ min: 1, max: 2_000 }), cursor: fc.base64String({ minLength: 4, maxLength: 40 }) },
        { requiredKeys: [] },
      ),
    },
  ];
  const cases: ProbeCase[] = [];
  for (const method of methods) {
    const [namespace, name] = method.name.split('.') as [string, string];
    const schema = (dataApiContract as unknown as Record<string, Record<string, { input: z.ZodType }>>)[namespace]![name]!.input;
    const params: fc.Arbitrary<Json> = accepted(schema, method.params);
    const generated = casesOf(params, method.name.startsWith('imports.') ? RUNS.rpcImports : RUNS.rpc, HUGE_RPC);
    // Most calls with the method's role, some with another role's key or none.
    const keyChoices = sample(
      fc.constantFrom<RpcKey | 'wrong' | 'none'>(
        method.role,
        method.role,
        method.role,
        method.role,
        method.role,
        method.role,
        'wrong',
        'none',
      ),
      generated.length,
    );
    for (const [at, { value, mutation, path }] of generated.entries()) {
      const keyChoice = keyChoices[at]!;
      const token =
        keyChoice === 'none'
          ? undefined
          : keyChoice === 'wrong'
            ? method.role === 'importer'
              ? seed.serviceKey
              : seed.importerKey
            : keyOf(keyChoice);
      // Valid ingests would repeat their batch id across reruns; each case gets its own.
      const sent =
        method.name === 'stats.ingest' && mutation === 'none'
          ? { ...(value as Record<string, Json>), batchId: `fuzz:${(batchSerial += 1)}:${SEED}` }
          : value;
      const text = encodeJson({ jsonrpc: '2.0', id: 1, method: method.name, ...(sent === undefined ? {} : { params: sent }) });
      const issues =
        keyChoice === method.role ? contractIssues(schema, (JSON.parse(text) as { params?: unknown }).params ?? {}) : undefined;
      const likelyRefused = keyChoice !== method.role || issues!.length > 0;
      const probeCase = rpcCase(`RPC ${method.name}`, dataApi.rpcUrl, text, {
        token,
        issues,
        likelyRefused,
        describe: `${keyChoice} key, ${mutation} at ${path.join('.')}: ${text}`,
      });
      cases.push(
        method.name === 'imports.upsertRows'
          ? { ...probeCase, judge: (answer) => [...probeCase.judge(answer), ...judgeFeedOutcomes(answer)] }
          : probeCase,
      );
    }
  }
  return cases;
}

/** The JSON-RPC envelope itself: versions, ids, methods, batches, bodies that are not JSON-RPC. */
function envelopeTexts(method: string, params: Json) {
  const call = (fields: Record<string, Json>) => encodeJson({ jsonrpc: '2.0', id: 1, method, params, ...fields });
  return fc.oneof(
    fc.constantFrom<Json>('1.0', 2, null, '2.0 ', '').map((jsonrpc) => call({ jsonrpc })),
    fc.constantFrom<Json>({}, [], 1.5, rawJson('1e400'), 'x'.repeat(5_000), true).map((id) => call({ id })),
    fc
      .constantFrom(
        '',
        'nope',
        'placements',
        'placements.',
        '.get',
        'placements.get.x',
        '__proto__.constructor',
        'constructor',
        'placements.__proto__',
        'stats.ingest\u0000',
        'x'.repeat(10_000),
      )
      .map((name) => call({ method: name })),
    fc.constantFrom<Json>([], [1], 'x', 1, true, null).map((value) => call({ params: value })),
    fc.constantFrom(
      '',
      '{',
      'null',
      '[]',
      '1',
      '"x"',
      '[1,2]',
      `[${Array.from({ length: 101 }, () => call({})).join(',')}]`,
      `[${call({})},${call({ jsonrpc: '1.0' })},"x"]`,
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      '{"jsonrpc":"2.0","id":1,"method":"placements.get","params":{"id":"x"},"jsonrpc":"1.0"}',
    ),
  );
}

function rpcEnvelopeCases(surface: string, rpcUrl: string, method: string, params: Json, token: string | undefined): ProbeCase[] {
  const generated = fc.tuple(
    envelopeTexts(method, params),
    fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/msgpack', ''),
  );
  return sample(generated, RUNS.rpcEnvelope).map(([text, contentType]) => rpcCase(surface, rpcUrl, text, { token, contentType }));
}

// ─── serving.decide cases ───────────────────────────────────────────────────────────────────

function decideCases(): ProbeCase[] {
  const schema = servingContract.serving.decide.input;
  const params = accepted(
    schema,
    fc.record(
      {
        placements: fc.array(
          fc.record(
            {
              divName: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
              placementKey: fc.constantFrom(...ids.placementKeys),
              count: fc.integer({ min: 1, max: 10 }),
              formats: fc.uniqueArray(fc.constantFrom('native', 'banner'), { minLength: 1 }),
            },
            { requiredKeys: ['divName', 'placementKey'] },
          ),
          { minLength: 1, maxLength: 3 },
        ),
        userKey: fc.stringMatching(/^[A-Za-z0-9_-]{8,20}$/),
        pageUrl: url,
        referrer: fc.oneof(url, fc.string({ maxLength: 30 })),
        keywords: fc.array(keyword, { maxLength: 4 }),
        country: fc.constantFrom('US', 'FR', 'DE', 'GB'),
        device: fc.constantFrom('desktop', 'mobile', 'tablet'),
        consent: fc.boolean(),
      },
      { requiredKeys: ['placements'] },
    ),
  ) as fc.Arbitrary<Json>;
  return casesOf(params, RUNS.decide, [101, 2_049, 70_000, 1_100_000], 4).map(({ value, mutation, path }) => {
    const text = encodeJson({ jsonrpc: '2.0', id: 1, method: 'serving.decide', ...(value === undefined ? {} : { params: value }) });
    const issues = contractIssues(schema, (JSON.parse(text) as { params?: unknown }).params ?? {});
    return rpcCase('serving.decide', serving.rpcUrl, text, { issues, describe: `${mutation} at ${path.join('.')}: ${text}` });
  });
}

// ─── the suite ──────────────────────────────────────────────────────────────────────────────

function report(label: string, started: number, failures: string[], process?: { output(): string }) {
  // A 5xx is logged by the service with its cause: show those lines beside the failures.
  if (failures.length > 0 && process !== undefined)
    console.log(
      process
        .output()
        .split('\n')
        .filter((line) => /"level":(50|60)/.test(line))
        .slice(0, 5)
        .join('\n')
        .slice(0, 6_000),
    );
  const lines = [...tallies.entries()].map(
    ([surface, tally]) =>
      `  ${surface}: ${tally.cases} cases, ${tally.accepted} accepted, ${tally.refused} refused; statuses ${[...tally.statuses.entries()]
        .sort()
        .map(([status, count]) => `${status}×${count}`)
        .join(' ')}`,
  );
  console.log(`${label} (seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(1)} s):\n${lines.join('\n')}`);
  tallies.clear();
  assert.deepEqual(failures.slice(0, 15), [], `${failures.length} failures with seed ${SEED} (HARDENING_SEED=${SEED} reproduces)`);
}

test(
  'REST: generated and mutated bodies, queries, paths and headers never 5xx; refusals name the problem and change nothing',
  { timeout: 600_000 },
  async () => {
    const started = Date.now();
    const cases = [
      ...restWriteCases(),
      ...restListCases(),
      ...restReportCases(),
      ...restPathCases(),
      ...restRawCases(),
      ...advertiserKeyCases(),
    ];
    const failures = await probe(cases, { batchSize: BATCH, state: stored, tallies });
    report(`REST: ${cases.length} cases`, started, failures, dataApi.process);
    assert.equal((await fetch(`${dataApi.url}/readyz`)).status, 200, 'the data API is still up');
  },
);

test(
  'data API RPC: generated and mutated params of every method, and hostile envelopes, never 5xx; refusals name the problem and change nothing',
  { timeout: 600_000 },
  async () => {
    const started = Date.now();
    const cases = [
      ...dataApiRpcCases(),
      ...rpcEnvelopeCases('RPC envelope', dataApi.rpcUrl, 'placements.get', { id: ids.placementIds[0]! }, seed.adminKey),
    ];
    const failures = await probe(cases, { batchSize: BATCH, state: stored, tallies });
    report(`data API RPC: ${cases.length} cases`, started, failures, dataApi.process);
  },
);

test(
  'serving.decide: generated and mutated params and envelopes never 5xx; refusals name the problem and write nothing to Redis',
  { timeout: 600_000 },
  async () => {
    const started = Date.now();
    const cases = [
      ...decideCases(),
      ...rpcEnvelopeCases(
        'serving envelope',
        serving.rpcUrl,
        'serving.decide',
        { placements: [{ divName: 'slot', placementKey: ids.placementKeys[0]! }] },
        undefined,
      ),
    ];
    const failures = await probe(cases, { batchSize: BATCH, state: servingState(redis, prefix), tallies });
    report(`serving.decide: ${cases.length} cases`, started, failures, serving.process);
    assert.equal((await fetch(`${serving.url}/readyz`)).status, 200, 'serving is still up');
  },
);
