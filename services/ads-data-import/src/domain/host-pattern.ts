import ipaddr from 'ipaddr.js';

/**
 * A host the operator named (FEED_ALLOWED_HOSTS, DASHBOARD_PUBLIC_HOST): a host name or an IP
 * address, with a port (that port only) or without (any port).
 */
export interface HostPattern {
  host: string;
  port?: number | undefined;
}

/**
 * A host as URLs spell it: lower case, IDN in punycode, IPv4 in dotted decimal (`0x7f.1` is
 * `127.0.0.1`), IPv6 compressed and without brackets, no trailing dot. The WHATWG URL parser
 * does the work, so a pattern and a URL naming the same host compare equal.
 */
export function canonicalHost(host: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const bracketed = ipaddr.IPv6.isValid(bare) ? `[${bare}]` : bare;
  let parsed: URL;
  try {
    parsed = new URL(`http://${bracketed}/`);
  } catch {
    return undefined;
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.port !== '') return undefined;
  const name = parsed.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return name === '' ? undefined : name;
}

/**
 * Reads `host`, `host:port`, `[ipv6]`, `[ipv6]:port` or a bare IPv6 address. Returns a
 * problem (for the configuration error) when the text is none of these.
 */
export function parseHostPattern(text: string): HostPattern | { problem: string } {
  const entry = text.trim();
  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) [, host = '', port] = bracketed;
  else if (ipaddr.IPv6.isValid(entry)) host = entry;
  else {
    const named = /^([^:/@\s]+)(?::(\d+))?$/.exec(entry);
    if (named === null) return { problem: `"${entry.slice(0, 100)}" is not a host name or host:port` };
    [, host = '', port] = named;
  }
  const canonical = canonicalHost(host);
  if (canonical === undefined) return { problem: `"${entry.slice(0, 100)}" is not a valid host name` };
  if (port === undefined) return { host: canonical };
  const number = Number(port);
  if (!Number.isInteger(number) || number < 1 || number > 65_535) return { problem: `"${entry.slice(0, 100)}" has a port outside 1-65535` };
  return { host: canonical, port: number };
}

/** Whether `host` (canonical, see {@link canonicalHost}) on `port` is one of the patterns. */
export function hostMatches(patterns: readonly HostPattern[], host: string, port: number): boolean {
  return patterns.some((pattern) => pattern.host === host && (pattern.port === undefined || pattern.port === port));
}

/** Whether a listening address keeps a server to this machine: a loopback address or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const canonical = canonicalHost(host);
  if (canonical === 'localhost') return true;
  return canonical !== undefined && ipaddr.isValid(canonical) && ipaddr.process(canonical).range() === 'loopback';
}

/** Whether a listening address is "every interface" (`0.0.0.0`, `::`). */
export function isUnspecifiedHost(host: string): boolean {
  const canonical = canonicalHost(host);
  return canonical !== undefined && ipaddr.isValid(canonical) && ipaddr.parse(canonical).range() === 'unspecified';
}
