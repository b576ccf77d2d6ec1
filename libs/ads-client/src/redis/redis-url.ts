import { z } from 'zod';

/**
 * The `REDIS_URL` setting every service reads: a redis:// or rediss:// URL that ioredis can
 * open (a valid port, percent-escapes that decode), so that a typo is a configuration error
 * naming the variable instead of a crash when the connection is made.
 */
export const redisUrlSetting = z
  .string()
  .default('redis://127.0.0.1:6379')
  .superRefine((value, context) => {
    const problem = redisUrlProblem(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

function redisUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a redis:// URL (it does not parse as a URL)';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return 'must be a redis:// or rediss:// URL';
  if (url.hostname === '') return 'must name a host';
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return 'has a user name or password with a bad percent-escape';
  }
  const database = url.pathname.replace(/^\//, '');
  if (database !== '' && !/^\d+$/.test(database)) return `names database "${database}"; it must be a number`;
  return undefined;
}

/** The URL as it may be logged or shown: the password replaced by `***`. */
export function redactRedisUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password === '') return value;
    url.password = '***';
    return url.href;
  } catch {
    return '<an unparsable Redis URL>';
  }
}
