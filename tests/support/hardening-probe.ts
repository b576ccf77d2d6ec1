// Runs generated requests against real processes in small concurrent batches and judges every
// answer: no connection failure (a crash or a reset), no 5xx, refusals that name the problem,
// and stored data unchanged by refusals. Stored data is compared by a fingerprint read before
// and after a batch; when a batch mixes accepted and refused requests the refused ones are sent
// again one at a time between two fingerprints, so each refusal is checked on its own.
import { RedisKeys, msgpackSerializer } from '@ads/ads-client';
import type { Redis } from 'ioredis';
import pg from 'pg';

/** One answer as the probe saw it: the status and the parsed body (JSON or MessagePack; undefined when neither). */
export interface ProbeAnswer {
  status: number;
  body: unknown;
  text: string;
}

/** One generated request: `send` makes it; `judge` lists what is wrong with the answer. */
export interface ProbeCase {
  surface: string;
  /** What was sent, for failure messages (bounded in length). */
  describe(): string;
  send(): Promise<ProbeAnswer>;
  judge(answer: ProbeAnswer): string[];
  /**
   * A hint (the contract refuses it, a wrong key, a hostile path): such cases are batched
   * together, so that their batches are all refusals and no request needs sending twice.
   */
  likelyRefused?: boolean;
}

/** What a fingerprint comparison found changed (undefined: nothing). */
export interface StoredState {
  read(): Promise<unknown>;
  changed(before: unknown, after: unknown): string | undefined;
}

export interface ProbeTally {
  cases: number;
  accepted: number;
  refused: number;
  statuses: Map<number, number>;
}

const refused = (status: number) => status >= 400 && status < 500;

/** fetch, with a timeout; a thrown error (reset, refused, timeout) becomes status 0 and its cause. */
export async function fetchAnswer(url: string, init: RequestInit): Promise<ProbeAnswer> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = Buffer.from(bytes).toString();
    let body: unknown;
    try {
      body = response.headers.get('content-type') === msgpackSerializer.contentType ? msgpackSerializer.decode(bytes) : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body, text };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: 0, body: undefined, text: `${(error as Error).message}: ${cause?.code ?? ''} ${cause?.message ?? ''}` };
  }
}

const clip = (text: string, max = 600) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

function verdicts(probeCase: ProbeCase, answer: ProbeAnswer): string[] {
  if (answer.status === 0) return [`no answer (crash or reset): ${answer.text}`];
  if (answer.status >= 500) return [`answered ${answer.status}: ${clip(answer.text)}`];
  return probeCase.judge(answer).map((problem) => `${problem} (status ${answer.status}: ${clip(answer.text, 400)})`);
}

/**
 * Sends every case, `batchSize` at a time, and returns the failures (each naming the case by
 * its place in the order sent). `tallies` counts cases per surface.
 */
export async function probe(
  generated: ProbeCase[],
  options: { batchSize: number; state: StoredState; tallies: Map<string, ProbeTally> },
): Promise<string[]> {
  const cases = [...generated.filter((one) => one.likelyRefused === true), ...generated.filter((one) => one.likelyRefused !== true)];
  const failures: string[] = [];
  const { state } = options;
  const fail = (probeCase: ProbeCase, index: number, problem: string) =>
    failures.push(`#${index} ${probeCase.surface}: ${problem}\n    sent: ${clip(probeCase.describe())}`);
  for (let start = 0; start < cases.length; start += options.batchSize) {
    const batch = cases.slice(start, start + options.batchSize);
    const before = await state.read();
    const answers = await Promise.all(batch.map((probeCase) => probeCase.send()));
    const after = await state.read();
    batch.forEach((probeCase, offset) => {
      const answer = answers[offset]!;
      const tally = options.tallies.get(probeCase.surface) ?? { cases: 0, accepted: 0, refused: 0, statuses: new Map() };
      options.tallies.set(probeCase.surface, tally);
      tally.cases += 1;
      if (answer.status >= 200 && answer.status < 300) tally.accepted += 1;
      if (refused(answer.status)) tally.refused += 1;
      tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1);
      for (const problem of verdicts(probeCase, answer)) fail(probeCase, start + offset, problem);
    });
    if (answers.every((answer) => refused(answer.status))) {
      const change = state.changed(before, after);
      if (change !== undefined)
        failures.push(
          `batch #${start}-${start + batch.length - 1}: every request was refused, yet ${change}\n    sent: ${batch.map((one) => clip(one.describe(), 200)).join('\n          ')}`,
        );
      continue;
    }
    // Mixed batch: an accepted request may have changed data; check each refusal alone.
    for (const [offset, probeCase] of batch.entries()) {
      if (!refused(answers[offset]!.status)) continue;
      const alone = await state.read();
      const again = await probeCase.send();
      const afterAgain = await state.read();
      if (!refused(again.status)) continue;
      const change = state.changed(alone, afterAgain);
      if (change !== undefined) fail(probeCase, start + offset, `refused (${again.status}), yet ${change}`);
    }
  }
  return failures;
}

/**
 * A fingerprint of every application table of a database: row count and an md5 of the rows'
 * JSON, per table. `api_key.last_used_at` is left out: reading with a key may stamp it.
 */
export async function databaseState(databaseUrl: string): Promise<StoredState & { close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY table_name`,
  );
  const tables = rows.map((row) => row.table_name);
  const columns = tables.map((table) => {
    const rowJson = table === 'api_key' ? `to_jsonb(t) - 'last_used_at'` : 'to_jsonb(t)';
    return `(SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') FROM (SELECT ${rowJson} AS r FROM "${table}" t) s) AS "${table}"`;
  });
  const sql = `SELECT ${columns.join(', ')}`;
  return {
    read: async () => (await client.query<Record<string, string>>(sql)).rows[0]!,
    changed: (before, after) => {
      const was = before as Record<string, string>;
      const now = after as Record<string, string>;
      const tablesChanged = tables.filter((table) => was[table] !== now[table]);
      return tablesChanged.length === 0
        ? undefined
        : `the stored data changed in ${tablesChanged.map((table) => `${table} (${was[table]!.split(':')[0]} → ${now[table]!.split(':')[0]} rows)`).join(', ')}`;
    },
    close: () => client.end(),
  };
}

/**
 * What a decision writes to Redis under a prefix: frequency-cap holds and entries, counted
 * events and the events stream. Keys expire on their own, so "unchanged" means no key appeared
 * and the stream did not grow.
 */
export function servingState(redis: Redis, prefix: string): StoredState {
  const layout = new RedisKeys(prefix);
  const patterns = [layout.frequencyCap('*', '*'), layout.frequencyCapHolds('*', '*'), layout.eventSeen('*', '*', '*')];
  return {
    read: async () => {
      const keys = new Set<string>();
      for (const pattern of patterns) {
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          for (const key of found) keys.add(key);
        } while (cursor !== '0');
      }
      return { keys, events: await redis.xlen(layout.eventsStream) };
    },
    changed: (before, after) => {
      const was = before as { keys: Set<string>; events: number };
      const now = after as { keys: Set<string>; events: number };
      const appeared = [...now.keys].filter((key) => !was.keys.has(key));
      if (appeared.length > 0) return `Redis keys appeared: ${appeared.slice(0, 5).join(', ')}`;
      if (now.events !== was.events) return `the events stream grew from ${was.events} to ${now.events}`;
      return undefined;
    },
  };
}
