import { z } from 'zod';

/**
 * The `REDIS_URL` setting every service reads: a redis:// or rediss:// URL that ioredis can
 * open (a valid port, percent-escapes that decode), so that a typo is a configuration error
 * naming the variable instead of a crash when the connection is made. A Redis Cluster is named
 * by `redis+cluster://[user:password@]host:port,host:port,…` (`rediss+cluster://` for TLS):
 * some of its masters, from which ioredis' Cluster client learns the others.
 */
export const redisUrlSetting = z
  .string()
  .default('redis://127.0.0.1:6379')
  .superRefine((value, context) => {
    const problem = redisUrlProblem(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

function redisUrlProblem(value: string): string | undefined {
  if (CLUSTER_SCHEME.test(value)) {
    const cluster = parseRedisClusterUrl(value);
    return typeof cluster === 'string' ? cluster : undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a redis:// URL (it does not parse as a URL)';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return 'must be a redis://, rediss:// or redis+cluster:// URL';
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

const CLUSTER_SCHEME = /^rediss?\+cluster:\/\//;

/** The nodes and credentials of a `redis+cluster://` URL. */
export interface RedisClusterUrl {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

/**
 * The parts of a `redis+cluster://` or `rediss+cluster://` URL; undefined for any other URL,
 * the problem (a sentence) for a cluster URL that is wrong.
 */
export function parseRedisClusterUrl(value: string): RedisClusterUrl | string | undefined {
  const scheme = CLUSTER_SCHEME.exec(value)?.[0];
  if (scheme === undefined) return undefined;
  const rest = value.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  const userInfo = at < 0 ? '' : rest.slice(0, at);
  const hosts = (at < 0 ? rest : rest.slice(at + 1)).replace(/\/$/, '');
  if (/[/?#]/.test(hosts)) return 'names a database or options; a cluster URL is only nodes (host:port,host:port), database 0';
  const [rawUser = '', ...passwordParts] = userInfo.split(':');
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(rawUser);
    password = decodeURIComponent(passwordParts.join(':'));
  } catch {
    return 'has a user name or password with a bad percent-escape';
  }
  const nodes: RedisClusterUrl['nodes'] = [];
  for (const node of hosts.split(',').map((part) => part.trim())) {
    let url: URL;
    try {
      url = new URL(`redis://${node}`);
    } catch {
      return `names node "${node}", which is not host:port`;
    }
    if (node === '' || url.hostname === '' || url.pathname !== '' || url.username !== '')
      return `names node "${node}", which is not host:port`;
    nodes.push({ host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 6379 : Number(url.port) });
  }
  return {
    nodes,
    ...(username === '' ? {} : { username }),
    ...(password === '' ? {} : { password }),
    tls: scheme.startsWith('rediss'),
  };
}

/** The URL as it may be logged or shown: the password replaced by `***`. */
export function redactRedisUrl(value: string): string {
  const scheme = CLUSTER_SCHEME.exec(value)?.[0];
  if (scheme !== undefined) {
    const at = value.lastIndexOf('@');
    const colon = value.indexOf(':', scheme.length);
    return at < 0 || colon < 0 || colon > at ? value : `${value.slice(0, colon + 1)}***${value.slice(at)}`;
  }
  try {
    const url = new URL(value);
    if (url.password === '') return value;
    url.password = '***';
    return url.href;
  } catch {
    return '<an unparsable Redis URL>';
  }
}
