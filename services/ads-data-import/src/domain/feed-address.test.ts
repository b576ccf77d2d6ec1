import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMetadataHostName, refusedAddressReason } from './feed-address';

test('public unicast addresses are allowed', () => {
  for (const address of ['8.8.8.8', '93.184.215.14', '2606:4700:4700::1111', '2a00:1450:4007:80f::200e', '::ffff:8.8.8.8']) {
    assert.equal(refusedAddressReason(address), undefined, address);
  }
});

test('loopback, private, link-local, unique-local, CGNAT, unspecified, multicast and their IPv4-mapped forms are refused', () => {
  const refused: [string, RegExp][] = [
    ['127.0.0.1', /loopback/],
    ['127.255.0.9', /loopback/],
    ['::1', /loopback/],
    ['10.0.0.1', /private/],
    ['172.16.5.4', /private/],
    ['192.168.1.1', /private/],
    ['169.254.1.1', /link-local/],
    ['fe80::1', /link-local/],
    ['fc00::1', /unique-local/],
    ['fd12:3456::1', /unique-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:10.0.0.1', /private/],
    ['::ffff:169.254.169.254', /metadata/],
    ['::7f00:1', /embedding an IPv4/],
    ['64:ff9b::7f00:1', /NAT64/],
    ['2002:7f00:1::', /6to4/],
    ['240.0.0.1', /reserved/],
    ['not-an-address', /not an IP/],
  ];
  for (const [address, reason] of refused) assert.match(refusedAddressReason(address) ?? 'allowed', reason, address);
});

test('cloud metadata addresses and names are refused, a public one (Azure) included', () => {
  for (const address of ['169.254.169.254', 'fd00:ec2::254', 'fd00:ec2:0::254', '168.63.129.16', '100.100.100.200', '[fd00:ec2::254]']) {
    assert.equal(refusedAddressReason(address), 'a cloud metadata address', address);
  }
  for (const name of ['metadata.google.internal', 'metadata', 'instance-data']) assert.ok(isMetadataHostName(name), name);
  assert.ok(!isMetadataHostName('feeds.example.com'));
});
