import { z } from 'zod';

/** The BullMQ queues of ads-data-import: one per kind of work, so a long import never delays a roll-up. */
export const QUEUE_NAMES = { rollup: 'rollup', feedImport: 'feed-import', platformCommands: 'platform-commands' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Other services' commands the worker runs on a schedule, named after their folders under `services/`. */
export const PLATFORM_COMMANDS = ['cache-warming', 'timeseries-warming', 'ads-scoring'] as const;
export type PlatformCommand = (typeof PLATFORM_COMMANDS)[number];

const feedFormat = z.enum(['csv', 'json', 'jsonl']);

/** Every job the worker runs: its queue and the schema of its data. */
export const JOB_CATALOGUE = {
  rollup: { queue: QUEUE_NAMES.rollup, data: z.strictObject({}), doc: 'drain the events stream into hourly stats' },
  'opportunity-rollup': {
    queue: QUEUE_NAMES.rollup,
    data: z.strictObject({}),
    doc: "move serving's settled opportunity counts and samples into the forecasting history",
  },
  'feed-import': {
    queue: QUEUE_NAMES.feedImport,
    data: z.strictObject({ source: z.string().trim().min(1, 'is required: a file path or an http(s) URL'), format: feedFormat.optional() }),
    doc: 'import an advertiser feed (CSV, JSON or JSON Lines) from a file or URL',
  },
  'cache-warming': {
    queue: QUEUE_NAMES.platformCommands,
    data: z.strictObject({ args: z.array(z.string()).default([]) }),
    doc: 'run cache-warming',
  },
  'timeseries-warming': {
    queue: QUEUE_NAMES.platformCommands,
    data: z.strictObject({ args: z.array(z.string()).default([]) }),
    doc: 'run timeseries-warming',
  },
  'ads-scoring': {
    queue: QUEUE_NAMES.platformCommands,
    data: z.strictObject({ args: z.array(z.string()).default([]) }),
    doc: 'run ads-scoring',
  },
} as const;

export type JobName = keyof typeof JOB_CATALOGUE;
export const JOB_NAMES = Object.keys(JOB_CATALOGUE) as JobName[];

export function isJobName(value: string): value is JobName {
  return Object.hasOwn(JOB_CATALOGUE, value);
}

export function isPlatformCommand(value: string): value is PlatformCommand {
  return (PLATFORM_COMMANDS as readonly string[]).includes(value);
}

/** Checks a job's data against its schema; problems name the field. */
export function parseJobData(name: JobName, data: unknown): { ok: true; data: Record<string, unknown> } | { ok: false; problem: string } {
  const parsed = JOB_CATALOGUE[name].data.safeParse(data ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, problem: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(data)'} ${issue.message}`).join('; ') };
}
