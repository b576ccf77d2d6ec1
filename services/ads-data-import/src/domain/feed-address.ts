import ipaddr from 'ipaddr.js';

/**
 * Names of cloud metadata services. They resolve to link-local addresses inside the cloud (and
 * are refused for that too); naming them here refuses them before any lookup, wherever they
 * resolve.
 */
export const METADATA_HOST_NAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

/**
 * Metadata and host-agent addresses of the clouds. Most sit in ranges refused anyway
 * (link-local, CGNAT, IETF-reserved); Azure's wire server is a public address, so it has to be
 * named.
 */
const METADATA_ADDRESSES: ReadonlySet<string> = new Set(
  ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '168.63.129.16', '100.100.100.200', '192.0.0.192'].map((address) =>
    ipaddr.parse(address).toNormalizedString(),
  ),
);

/** What ipaddr.js calls each range, as a reader of a refusal would. */
const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique-local (fc00::/7) address',
  carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10) address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  rfc6052: 'a NAT64 (64:ff9b::/96) address',
  rfc6145: 'an IPv4-translated address',
  '6to4': 'a 6to4 (2002::/16) address',
  teredo: 'a Teredo (2001::/32) address',
  discard: 'a discard-only (100::/64) address',
};

/**
 * IPv6 ranges ipaddr.js calls unicast that still reach IPv4 space or this host: IPv4-compatible
 * addresses (`::7f00:1`, deprecated by RFC 4291) and local-use NAT64 (RFC 8215).
 */
const EMBEDDING_IPV6_RANGES = ['::/96', '64:ff9b:1::/48'].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));

/**
 * Why a feed may not be fetched from this address, or undefined when it may: only global unicast
 * addresses are allowed. An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is judged as the IPv4
 * address it maps. A string that is no IP address is refused too.
 */
export function refusedAddressReason(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return 'not an IP address';
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString())) return 'a cloud metadata address';
  const range = parsed.range();
  if (range !== 'unicast') return RANGE_NAMES[range] ?? `a ${range} address`;
  if (parsed.kind() === 'ipv6' && EMBEDDING_IPV6_RANGES.some((cidr) => (parsed as ipaddr.IPv6).match(cidr)))
    return 'an IPv6 address embedding an IPv4 one';
  return undefined;
}

/** Whether a host name is a cloud metadata service's (canonical host, see `canonicalHost`). */
export function isMetadataHostName(host: string): boolean {
  return METADATA_HOST_NAMES.has(host);
}
