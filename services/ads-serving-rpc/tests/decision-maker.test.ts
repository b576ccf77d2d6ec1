// DecisionMaker with its real dependencies: the index lifecycle (its index set by hand), the
// frequency-cap cache against the real Redis, a real signer. The answer's JSON is assembled
// by hand from pre-encoded parts, so these tests read it back as a client would: parsed,
// checked against the contract, its ads compared with the index and its URLs verified.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  InvalidParamsError,
  RedisKeys,
  beaconUrl,
  serving,
  type DecisionRequest,
  type DecisionResponse,
  type ServingIndex,
  type TrackingEventType,
} from '@ads/ads-client';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { DecisionMaker, type DecisionAnswer, type ParsedDecisionRequest } from '../src/app/decision-maker';
import type { DecisionIndex } from '../src/domain/decision-index';
import { fixtureCampaign, fixtureIndex } from './support/serving-index-fixture';
import { liveIndex } from './support/live-index';
import { TRACKING_PATH_PREFIX, TrackingSigner, beaconOfPath } from '../src/domain/tracking-url';
import { ServingError } from '../src/errors';
import { IndexLifecycle } from '../src/app/index-lifecycle';
import { FrequencyCapCache } from '../src/store/frequency-cap-cache';
import { LimitReservations } from '../src/store/limit-reservations';

const prefix = `test:${randomUUID()}:`;
const keys = new RedisKeys(prefix);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const logger = pino({ level: 'silent' });
const signer = new TrackingSigner('a-test-secret-that-is-long-enough-000');
const BASE_URL = 'http://serve.test:8080/ads';
const TTL_SECONDS = 900;
const EVENTS: readonly TrackingEventType[] = ['impression', 'viewable', 'click'];

// Every character JSON must escape, and some it need not but that often go wrong: the line
// and paragraph separators, astral characters, a lone surrogate, a closing script tag.
const NASTY =
  'quote " backslash \\ slash / newline \n return \r tab \t nul \u0000 bell \u0007 unit \u001f del \u007f ' +
  'line \u2028 paragraph \u2029 emoji 😀 clef 𝄞 </script><script>alert(1)</script> lone \ud800 end';

before(async () => {
  // The lifecycle reports Redis available only once the connection is ready.
  await redis.ping();
});

after(async () => {
  const found = await redis.keys(`${prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

interface Serving {
  decisions: DecisionMaker;
  lifecycle: IndexLifecycle;
}

/**
 * A decision maker on a fresh lifecycle and cap cache, deciding on `source` (none: no index
 * loaded). Unless `leased` is false, every campaign starts with a large spend lease, so that
 * decisions about the answer itself do not wait for Redis.
 */
function servingOn(source: ServingIndex | undefined, leased = true): Serving {
  const lifecycle = new IndexLifecycle({
    redis,
    subscriber: redis,
    keys,
    logger,
    metrics: undefined,
    indexPollMs: 60_000,
    pacingRefreshMs: 60_000,
    retiredAdsMs: 3_600_000,
  });
  lifecycle.current = source === undefined ? undefined : liveIndex(source, Date.now());
  if (leased)
    for (const campaign of lifecycle.current?.campaigns ?? [])
      lifecycle.leases.grant(campaign.id, 1e12, Date.now() + 3_600_000, Date.now());
  const frequencyCaps = new FrequencyCapCache({ freshMs: 60_000, maxEntries: 1_000 });
  const reservations = new LimitReservations(redis, keys, { holdMs: 30_000, leaseMs: 10_000, shortLeaseMs: 2_000, timeoutMs: 2_000 });
  const decisions = new DecisionMaker({
    lifecycle,
    frequencyCaps,
    reservations,
    leases: lifecycle.leases,
    signer,
    metrics: undefined,
    logger,
    explorationRate: 0.1,
    trackingUrlTtlSeconds: TTL_SECONDS,
  });
  decisions.baseUrl = BASE_URL;
  return { decisions, lifecycle };
}

const decisionRequest = (input: DecisionRequest): ParsedDecisionRequest => serving.decisionRequest.parse(input);

/**
 * Reads an answer as a client would and checks it whole: valid JSON equal to `.value`, the
 * response contract, exactly the requested divNames, each ad as the source index has it, and
 * tracking URLs that verify for their own event only. Returns the parsed answer.
 */
function checkAnswer(
  answer: DecisionAnswer,
  request: ParsedDecisionRequest,
  source: ServingIndex | undefined,
  index: DecisionIndex | undefined,
  decidedFrom: number,
): DecisionResponse {
  const decidedUntil = Date.now();
  const parsed = JSON.parse(answer.json) as DecisionResponse;
  assert.deepEqual(answer.value, parsed);
  assert.match(parsed.decisionId, /^[A-Za-z0-9_-]+$/);
  const validated = serving.decisionResponse.parse(parsed);
  // zod builds a record by assignment, so an own "__proto__" key does not reach its output:
  // compare the rest here and check that entry against the ad schema by itself below.
  const withoutProto = {
    ...parsed,
    decisions: Object.fromEntries(Object.entries(parsed.decisions).filter(([divName]) => divName !== '__proto__')),
  };
  assert.deepEqual(validated, withoutProto);
  assert.deepEqual(Object.keys(parsed.decisions).sort(), request.placements.map((placement) => placement.divName).sort());
  assert.equal(Object.getPrototypeOf(parsed.decisions), Object.prototype);
  for (const placement of request.placements) {
    const ads = Object.getOwnPropertyDescriptor(parsed.decisions, placement.divName)?.value as unknown;
    assert.deepEqual(serving.decidedAd.array().parse(ads), ads, placement.divName);
    for (const ad of ads as DecisionResponse['decisions'][string]) {
      const sourceCampaign = source?.campaigns.find((campaign) => campaign.id === ad.campaignId);
      const sourceAd = sourceCampaign?.ads.find((candidate) => candidate.id === ad.adId);
      const indexedCampaign = index?.campaignsById.get(ad.campaignId);
      assert.ok(
        sourceCampaign !== undefined && sourceAd !== undefined && indexedCampaign !== undefined,
        `${ad.campaignId}/${ad.adId} is an ad of the index`,
      );
      assert.equal(ad.advertiserId, sourceCampaign.advertiserId);
      assert.equal(ad.format, sourceAd.format);
      assert.deepEqual(ad.contents, {
        title: sourceAd.title,
        body: sourceAd.body,
        imageUrl: sourceAd.imageUrl,
        width: sourceAd.width,
        height: sourceAd.height,
      });
      assert.ok(ad.trackingUrl.startsWith(`${BASE_URL}${TRACKING_PATH_PREFIX}`), `${ad.trackingUrl} starts with the base URL`);
      for (const event of EVENTS) {
        // Each event's beacon, as a browser would request it: the path names the event and the token.
        const beacon = beaconOfPath(new URL(beaconUrl(ad.trackingUrl, event)).pathname.slice(new URL(BASE_URL).pathname.length));
        assert.equal(beacon?.event, event);
        const read = signer.readToken(beacon?.token ?? '', decidedUntil);
        assert.ok(read.ok, `${event} beacon verifies`);
        const { expiresAt, ...claims } = read.claims;
        assert.deepEqual(claims, {
          decisionId: parsed.decisionId,
          adId: ad.adId,
          campaignId: ad.campaignId,
          advertiserId: ad.advertiserId,
          placementKey: placement.placementKey,
          userKey: parsed.userKey,
          impressionSpendMicros: indexedCampaign.impressionSpendMicros,
          clickSpendMicros: indexedCampaign.clickSpendMicros,
        });
        assert.ok(
          expiresAt >= Math.floor(decidedFrom / 1000) + TTL_SECONDS && expiresAt <= Math.floor(decidedUntil / 1000) + TTL_SECONDS,
          'expires a TTL after the decision',
        );
      }
    }
  }
  return parsed;
}

/** Decides and checks; the decision must be synchronous unless `mayWait`. */
async function decideAndCheck(
  { decisions, lifecycle }: Serving,
  source: ServingIndex | undefined,
  input: DecisionRequest,
  mayWait = false,
): Promise<DecisionResponse> {
  const request = decisionRequest(input);
  const index = lifecycle.current;
  const started = Date.now();
  const answer = decisions.decide(request);
  if (!mayWait) assert.ok(!(answer instanceof Promise), 'decided without waiting');
  return checkAnswer(await answer, request, source, index, started);
}

const adIdsOf = (answer: DecisionResponse, divName: string): string[] =>
  (Object.getOwnPropertyDescriptor(answer.decisions, divName)?.value as { adId: string }[]).map((ad) => ad.adId);

test('the answer is valid JSON of the response contract, each ad as the index holds it, URLs signed', async () => {
  const source = fixtureIndex({
    campaigns: [
      fixtureCampaign({ id: 'native-cpm' }),
      fixtureCampaign({ id: 'native-cpc', bidType: 'CPC', bidAmount: 25 }),
      fixtureCampaign({
        id: 'banner',
        ads: [{ id: 'banner-ad', format: 'banner', imageUrl: 'https://cdn.test/b.png', width: 300, height: 250 }],
      }),
      fixtureCampaign({ id: 'house', priority: 'house', bidAmount: 0 }),
    ],
    placements: [{ key: 'home-top' }, { key: 'sidebar', allowedFormats: ['banner'] }],
  });
  const servingApp = servingOn(source);
  const seen = new Set<string>();
  const decisionIds = new Set<string>();
  for (let run = 0; run < 20; run += 1) {
    const answer = await decideAndCheck(servingApp, source, {
      placements: [
        { divName: 'side', placementKey: 'sidebar' },
        { divName: 'top', placementKey: 'home-top', count: 4 },
      ],
      userKey: 'user-0001',
    });
    assert.deepEqual(adIdsOf(answer, 'side'), ['banner-ad'], 'the only banner goes to the banner-only sidebar');
    // One ad per advertiser in a response: the banner is taken, the three others fill the top.
    assert.deepEqual(adIdsOf(answer, 'top').sort(), ['house-ad', 'native-cpc-ad', 'native-cpm-ad']);
    for (const divName of ['side', 'top']) for (const adId of adIdsOf(answer, divName)) seen.add(adId);
    assert.equal(answer.userKey, 'user-0001');
    decisionIds.add(answer.decisionId);
  }
  assert.equal(seen.size, 4);
  assert.equal(decisionIds.size, 20, 'every decision has its own id');
});

test('creatives and ids with characters JSON must escape come back unchanged', async () => {
  const source = fixtureIndex({
    campaigns: [
      fixtureCampaign({
        id: 'campaign "1" & co/é',
        advertiserId: 'advertiser \\ 😀 #1',
        ads: [
          {
            id: 'ad "1"?a=b&c=%20#frag',
            title: NASTY,
            body: `${NASTY}\n${NASTY}`,
            imageUrl: 'https://cdn.test/"quoted"\\back.png?x=</script>',
          },
        ],
      }),
      fixtureCampaign({
        id: 'plain',
        ads: [{ id: 'plain-ad', format: 'banner', title: '\u2028\u2029', body: '', imageUrl: null, width: 728, height: 90 }],
      }),
    ],
  });
  const servingApp = servingOn(source);
  for (let run = 0; run < 5; run += 1) {
    const answer = await decideAndCheck(servingApp, source, {
      placements: [{ divName: 'top', placementKey: 'home-top', count: 2 }],
      userKey: 'user-0002',
    });
    const ads = answer.decisions.top!;
    assert.equal(ads.length, 2);
    const nasty = ads.find((ad) => ad.campaignId === 'campaign "1" & co/é');
    assert.equal(nasty?.adId, 'ad "1"?a=b&c=%20#frag');
    assert.equal(nasty.advertiserId, 'advertiser \\ 😀 #1');
    assert.equal(nasty.contents.title, NASTY);
    assert.equal(nasty.contents.body, `${NASTY}\n${NASTY}`);
    assert.equal(nasty.contents.imageUrl, 'https://cdn.test/"quoted"\\back.png?x=</script>');
  }
});

test('divNames JSON must escape, and names like __proto__, are exactly the keys of the answer', async () => {
  const divNames = [
    '"quoted"',
    'back\\slash',
    'new\nline',
    'nul\u0000bell\u0007',
    '\u2028\u2029',
    '😀𝄞',
    '</script>',
    '__proto__',
    'constructor',
    '1',
    'toString',
    'hasOwnProperty',
    'lone \udc00',
  ];
  // An empty divName never reaches the decision maker: the contract refuses it.
  assert.equal(serving.decisionRequest.safeParse({ placements: [{ divName: '', placementKey: 'home-top' }] }).success, false);
  const source = fixtureIndex({ campaigns: divNames.map((_, at) => fixtureCampaign({ id: `c${at}` })) });
  const servingApp = servingOn(source);
  const answer = await decideAndCheck(servingApp, source, {
    placements: divNames.map((divName) => ({ divName, placementKey: 'home-top' })),
    userKey: 'user-0003',
  });
  assert.ok(Object.hasOwn(answer.decisions, '__proto__'), '__proto__ is an own key, not the prototype');
  assert.ok(Array.isArray(Object.getOwnPropertyDescriptor(answer.decisions, 'constructor')?.value));
  for (const divName of divNames) assert.equal(adIdsOf(answer, divName).length, 1, `one ad for ${JSON.stringify(divName)}`);
  assert.equal(new Set(divNames.flatMap((divName) => adIdsOf(answer, divName))).size, divNames.length, 'no ad twice in a response');
});

test('with no index loaded every divName maps to an empty list', async () => {
  const servingApp = servingOn(undefined);
  const answer = await decideAndCheck(servingApp, undefined, {
    placements: [
      { divName: 'top', placementKey: 'home-top', count: 3 },
      { divName: '__proto__', placementKey: 'sidebar' },
      { divName: '"side"', placementKey: 'nowhere' },
    ],
    userKey: 'user-0004',
  });
  assert.deepEqual(Object.entries(answer.decisions), [
    ['top', []],
    ['__proto__', []],
    ['"side"', []],
  ]);
  assert.equal(answer.userKey, 'user-0004');
});

test('a divName used twice is refused, naming the field', () => {
  for (const servingApp of [servingOn(fixtureIndex({ campaigns: [fixtureCampaign({ id: 'c1' })] })), servingOn(undefined)]) {
    const request = decisionRequest({
      placements: [
        { divName: 'a', placementKey: 'home-top' },
        { divName: 'b', placementKey: 'home-top' },
        { divName: 'a', placementKey: 'sidebar' },
      ],
    });
    assert.throws(
      () => servingApp.decisions.decide(request),
      (error: unknown) => {
        assert.ok(error instanceof InvalidParamsError);
        assert.equal(error.code, 'INVALID_PARAMS');
        assert.deepEqual(
          error.issues.map((issue) => issue.path),
          [['placements', 2, 'divName']],
        );
        assert.ok(error.message.includes('placements.2.divName'), error.message);
        return true;
      },
    );
  }
});

test('a user key is generated when none is given, returned and signed into the URLs', async () => {
  const source = fixtureIndex({ campaigns: [fixtureCampaign({ id: 'c1' })] });
  const servingApp = servingOn(source);
  const first = await decideAndCheck(servingApp, source, { placements: [{ divName: 'top', placementKey: 'home-top' }] });
  const second = await decideAndCheck(servingApp, source, { placements: [{ divName: 'top', placementKey: 'home-top' }] });
  assert.match(first.userKey, /^[0-9a-f]{32}$/);
  assert.match(second.userKey, /^[0-9a-f]{32}$/);
  assert.notEqual(first.userKey, second.userKey);
  // checkAnswer compared each URL's signed user key with the answer's; say it once more plainly.
  const token = beaconOfPath(new URL(first.decisions.top![0]!.trackingUrl).pathname.replace('/ads', '') + '/i')!.token!;
  const claims = signer.readToken(token, Date.now());
  assert.equal(claims.ok && claims.claims.userKey, first.userKey);
});

test('frequency caps: a decision showing a capped ad holds its place in Redis first, which decides', async () => {
  const cap = { count: 2, windowSeconds: 3600 };
  const source = fixtureIndex({ campaigns: [fixtureCampaign({ id: 'capped', frequencyCap: cap })] });
  const top = [{ divName: 'top', placementKey: 'home-top' }];
  // The window as the event recorder writes it: impression times (ms) scored in a sorted set.
  const impressionsOf = async (userKey: string, agesMs: number[]) => {
    const key = keys.frequencyCap(userKey, 'capped');
    const now = Date.now();
    for (const ageMs of agesMs) await redis.zadd(key, now - ageMs, randomUUID());
    await redis.pexpire(key, cap.windowSeconds * 1000 * 2);
  };
  const holdsOf = (userKey: string) => redis.zrange(keys.frequencyCapHolds(userKey, 'capped'), 0, -1);
  const servingApp = servingOn(source);

  const below = `below-${randomUUID()}`;
  await impressionsOf(below, [60_000]);
  const pending = servingApp.decisions.decide(decisionRequest({ placements: top, userKey: below }));
  assert.ok(pending instanceof Promise, 'the hold is taken in Redis before answering');
  const belowAnswer = checkAnswer(
    await pending,
    decisionRequest({ placements: top, userKey: below }),
    source,
    servingApp.lifecycle.current,
    Date.now() - 5_000,
  );
  assert.deepEqual(adIdsOf(belowAnswer, 'top'), ['capped-ad'], 'one impression of two: served');
  assert.deepEqual(await holdsOf(below), [belowAnswer.decisionId], 'the decision holds the second place');
  const heldBack = await decideAndCheck(servingApp, source, { placements: top, userKey: below });
  assert.deepEqual(adIdsOf(heldBack, 'top'), [], 'one impression and one hold fill the cap: the cache answers without Redis');

  const atCap = `at-cap-${randomUUID()}`;
  await impressionsOf(atCap, [60_000, 120_000]);
  const atCapAnswer = await decideAndCheck(servingApp, source, { placements: top, userKey: atCap }, true);
  assert.deepEqual(adIdsOf(atCapAnswer, 'top'), [], 'two impressions of two: not served');
  assert.deepEqual(await holdsOf(atCap), []);

  const aged = `aged-${randomUUID()}`;
  await impressionsOf(aged, [60_000, cap.windowSeconds * 1000 + 60_000]);
  assert.deepEqual(
    adIdsOf(await decideAndCheck(servingApp, source, { placements: top, userKey: aged }, true), 'top'),
    ['capped-ad'],
    'an impression older than the window does not count',
  );

  const unseen = `unseen-${randomUUID()}`;
  assert.deepEqual(
    adIdsOf(await decideAndCheck(servingApp, source, { placements: top, userKey: unseen }, true), 'top'),
    ['capped-ad'],
    'no window in Redis: no impressions',
  );
  assert.deepEqual(
    adIdsOf(await decideAndCheck(servingApp, source, { placements: top, userKey: unseen }, true), 'top'),
    ['capped-ad'],
    'one hold of two',
  );
  assert.deepEqual(
    adIdsOf(await decideAndCheck(servingApp, source, { placements: top, userKey: unseen }, true), 'top'),
    [],
    'two holds of two: full before any beacon',
  );

  const created = await decideAndCheck(servingApp, source, { placements: top }, true);
  assert.deepEqual(adIdsOf(created, 'top'), ['capped-ad'], 'a new user has no impressions');
  assert.equal(
    (await redis.zrange(keys.frequencyCapHolds(created.userKey, 'capped'), 0, -1)).length,
    1,
    "and holds a place in its new key's cap",
  );
  assert.deepEqual(
    adIdsOf(await decideAndCheck(servingApp, source, { placements: top, userKey: `no-consent-${randomUUID()}`, consent: false }), 'top'),
    [],
    'no consent: no capped campaign',
  );

  // The index is swapped out while the hold is taken: the index in place afterwards decides.
  const swapped = `swapped-${randomUUID()}`;
  const swappedRequest = decisionRequest({ placements: top, userKey: swapped });
  const waiting = servingApp.decisions.decide(swappedRequest);
  assert.ok(waiting instanceof Promise);
  servingApp.lifecycle.current = undefined;
  const swappedAnswer = checkAnswer(await waiting, swappedRequest, undefined, undefined, Date.now() - 5_000);
  assert.deepEqual(Object.entries(swappedAnswer.decisions), [['top', []]]);
  assert.deepEqual(await redis.zrange(keys.frequencyCapHolds(swapped, 'capped'), 0, -1), [], 'a hold the answer did not use is given back');
});

test('spend leases: a paid ad is served against a lease of its campaign; no budget left, no lease and no ad', async () => {
  const top = [{ divName: 'top', placementKey: 'home-top' }];
  // 100 cents CPM: 1,000 micros an impression; a daily budget of 1 cent is ten impressions.
  const source = fixtureIndex({
    campaigns: [fixtureCampaign({ id: 'leased', dailyBudget: 1 }), fixtureCampaign({ id: 'spent', dailyBudget: 1 })],
  });
  const servingApp = servingOn(source, false);
  const day = servingApp.lifecycle.clock.at('UTC', Date.now()).day;
  await redis.set(keys.campaignDaySpend('spent', day), 10_000);
  const spent = servingApp.lifecycle.current!.campaignsById.get('spent')!;
  const first = servingApp.decisions.decide(decisionRequest({ placements: top, userKey: 'lease-user' }));
  assert.ok(first instanceof Promise, 'no lease yet: one round trip');
  assert.deepEqual(
    adIdsOf(
      checkAnswer(
        await first,
        decisionRequest({ placements: top, userKey: 'lease-user' }),
        source,
        servingApp.lifecycle.current,
        Date.now() - 5_000,
      ),
      'top',
    ),
    ['leased-ad'],
  );
  const leases = await redis.zrange(keys.campaignSpendLeases('leased'), 0, -1);
  assert.equal(leases.length, 1);
  assert.match(leases[0]!, /:1000$/, 'a twentieth of what is left is less than one price: the slice is one impression');
  assert.deepEqual(await redis.zrange(keys.campaignSpendLeases('spent'), 0, -1), [], 'nothing left: nothing leased');
  // Nine more impressions fit the budget; leases of one price each, then nothing.
  let served = 1;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const answer = await decideAndCheck(servingApp, source, { placements: top, userKey: `lease-user-${attempt}` }, true);
    assert.ok(
      answer.decisions.top!.every((ad) => ad.campaignId === 'leased'),
      'the spent campaign is never served',
    );
    served += adIdsOf(answer, 'top').length;
  }
  assert.equal(served, 10, 'ten impressions of 1,000 micros fit a budget of 10,000');
  assert.ok(spent.budgetHeldUntilMs > 0, 'the spent campaign was drawn, refused a lease and sat out');
});

test('leases are taken ahead for live paid campaigns and renewed before they lapse; a short unused one is left to lapse', async () => {
  const top = [{ divName: 'top', placementKey: 'home-top' }];
  // 'plenty' has a large budget (long leases); 'scarce' has five prices left today (short ones).
  const source = fixtureIndex({
    campaigns: [fixtureCampaign({ id: 'plenty' }), fixtureCampaign({ id: 'scarce', dailyBudget: 1, advertiserId: 'scarce-advertiser' })],
  });
  const servingApp = servingOn(source, false);
  const day = servingApp.lifecycle.clock.at('UTC', Date.now()).day;
  await redis.set(keys.campaignDaySpend('scarce', day), 5_000);
  const leasesOf = async (campaignId: string) => (await redis.zrange(keys.campaignSpendLeases(campaignId), 0, -1)).length;
  await servingApp.decisions.renewLeases(60_000);
  assert.equal(await leasesOf('plenty'), 1, 'a first lease taken ahead of any decision');
  assert.equal(await leasesOf('scarce'), 1);
  assert.equal(
    servingApp.decisions.decide(decisionRequest({ placements: top, userKey: 'renewal-user' })) instanceof Promise,
    false,
    'the lease taken ahead pays: no wait',
  );
  await servingApp.decisions.renewLeases(60_000);
  assert.equal(await leasesOf('plenty'), 2, 'the long lease is renewed before it lapses');
  assert.ok((await leasesOf('scarce')) <= 2, 'the short lease is renewed only if it was used');
  await servingApp.decisions.renewLeases(60_000);
  assert.equal(await leasesOf('plenty'), 3);
  assert.ok((await leasesOf('scarce')) <= 2, 'no new first lease for the same index version');
});

test('leases taken together in the background lapse spread over the last quarter of the lease time, not all at once', async () => {
  // 200 paid campaigns with plenty of budget: every first lease is taken in the same run, as
  // when an index of 100,000 ads loads. Were they to lapse together, they would all be renewed
  // together, in one burst of round trips that stalls decisions (the paced p99 at 100,000 ads).
  const ids = Array.from({ length: 200 }, (_, at) => `spread-${at}`);
  const source = fixtureIndex({
    campaigns: ids.map((id) => fixtureCampaign({ id, advertiserId: `${id}-advertiser` })),
    version: 'v-spread',
  });
  const servingApp = servingOn(source, false);
  const before = Date.now();
  await servingApp.decisions.renewLeases(60_000);
  const after = Date.now();
  const lapses: number[] = [];
  for (const id of ids) {
    const entries = await redis.zrange(keys.campaignSpendLeases(id), 0, -1, 'WITHSCORES');
    assert.equal(entries.length, 2, `${id}: one first lease`);
    lapses.push(Number(entries[1]));
  }
  // leaseMs is 10 s in servingOn: each lapses between 7.5 s and 10 s after it was taken.
  for (const lapse of lapses) assert.ok(lapse >= before + 7_500 && lapse <= after + 10_000, `lapses at +${lapse - before} ms`);
  const sorted = [...lapses].sort((a, b) => a - b);
  assert.ok(sorted.at(-1)! - sorted[0]! >= 2_000, `spread over ${sorted.at(-1)! - sorted[0]!} ms`);
  // No second of the spread holds more than 3/4 of them (uniform: about 2/5 per second).
  const perSecond = new Map<number, number>();
  for (const lapse of lapses)
    perSecond.set(Math.floor((lapse - before) / 1_000), (perSecond.get(Math.floor((lapse - before) / 1_000)) ?? 0) + 1);
  assert.ok(Math.max(...perSecond.values()) <= 150, JSON.stringify([...perSecond]));
});

test('a tracking base URL that JSON would escape is refused', () => {
  const { decisions } = servingOn(undefined);
  for (const url of [
    'http://serve.test/"x',
    'http://serve.test/\\x',
    'http://serve.test/\nx',
    'http://serve.test/\u0001',
    'http://serve.test/\ud800',
  ]) {
    assert.throws(
      () => {
        decisions.baseUrl = url;
      },
      (error: unknown) => error instanceof ServingError && error.code === 'CONFIG_INVALID',
      JSON.stringify(url),
    );
    assert.equal(decisions.baseUrl, BASE_URL, 'the refused URL is not kept');
  }
  decisions.baseUrl = 'http://127.0.0.1:4100';
  assert.equal(decisions.baseUrl, 'http://127.0.0.1:4100');
});
