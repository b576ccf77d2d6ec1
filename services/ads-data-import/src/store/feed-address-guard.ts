import { type LookupAddress, type LookupAllOptions, lookup as dnsLookup } from 'node:dns';
import { type LookupFunction, isIP } from 'node:net';
import { Agent } from 'undici';
import { boundedText } from '../domain/bounded-text';
import { isMetadataHostName, refusedAddressReason } from '../domain/feed-address';
import { type HostPattern, canonicalHost, hostMatches } from '../domain/host-pattern';
import { FeedSourceRefusedError } from '../errors';

/** Where feeds may come from: the operator's exceptions to "public http(s) only, no local files". */
export interface FeedAccessPolicy {
  /** Hosts (or host:port) fetched even when they resolve to local or private addresses. */
  allowedHosts: readonly HostPattern[];
  /** The only folder local feed files are read from; undefined: none. */
  localDir: string | undefined;
  /** Redirects followed per feed, each one checked like the first URL. */
  maxRedirects: number;
}

export const ALLOW_HINT =
  'feeds may not reach this host, private networks or cloud metadata services; an operator can allow a host by name in FEED_ALLOWED_HOSTS';

/**
 * Why a URL may not be fetched before any connection is made, or undefined. `allowedByOperator`
 * tells the caller to connect without the address check (the host is in FEED_ALLOWED_HOSTS).
 * Host names are checked later, on the addresses they resolve to (see {@link feedDispatcher}).
 */
export function checkFeedUrl(
  url: URL,
  policy: Pick<FeedAccessPolicy, 'allowedHosts'>,
): { refused: string } | { allowedByOperator: boolean } {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { refused: `${url.protocol.replace(/:$/, '')} is not an allowed scheme (http and https are)` };
  const host = canonicalHost(url.hostname);
  if (host === undefined) return { refused: 'it names no valid host' };
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (hostMatches(policy.allowedHosts, host, port)) return { allowedByOperator: true };
  if (isMetadataHostName(host)) return { refused: `${host} is a cloud metadata service; ${ALLOW_HINT}` };
  if (isIP(host) !== 0) {
    const reason = refusedAddressReason(host);
    if (reason !== undefined) return { refused: `${host} is ${reason}; ${ALLOW_HINT}` };
  }
  return { allowedByOperator: false };
}

/**
 * A `lookup` for the sockets of feed fetches: resolves the name and refuses it when any of its
 * addresses is not a public unicast one. The socket then connects to exactly the addresses
 * checked here, so a name that changes its answer between a check and the connection (DNS
 * rebinding) gains nothing: there is no earlier check to fool.
 */
const guardedLookup = ((
  hostname: string,
  options: LookupAllOptions | { all?: false; family?: number },
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error !== null) return callback(error, []);
    for (const { address } of addresses) {
      const reason = refusedAddressReason(address);
      if (reason !== undefined)
        return callback(new FeedSourceRefusedError(`${boundedText(hostname)} resolves to ${reason}; ${ALLOW_HINT}`), []);
    }
    if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    if (options.all === true) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}) as LookupFunction;

let guardedAgent: Agent | undefined;
let openAgent: Agent | undefined;

/**
 * The undici dispatcher of one feed request: the guarded one (its sockets resolve through
 * {@link guardedLookup}), or for a host the operator allowed, a plain one.
 */
export function feedDispatcher(allowedByOperator: boolean): Agent {
  if (allowedByOperator) return (openAgent ??= new Agent());
  return (guardedAgent ??= new Agent({ connect: { lookup: guardedLookup } }));
}

/** The refusal inside a failed fetch (undici reports the socket's error as a cause), if it was one. */
export function refusalIn(error: unknown): FeedSourceRefusedError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current instanceof FeedSourceRefusedError) return current;
  }
  return undefined;
}
