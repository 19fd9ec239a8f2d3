import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertPublicLiteral, isPrivateAddress, publicOnlyLookup } from './address-policy.js';

describe('address policy', () => {
  it('calls loopback, private, link-local, CGNAT, multicast and reserved addresses private', () => {
    for (const address of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.0.8']) {
      assert.equal(isPrivateAddress(address), true, address);
    }
    for (const address of ['::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '[::1]']) {
      assert.equal(isPrivateAddress(address), true, address);
    }
  });

  it('judges IPv6 forms that carry an IPv4 address by that address: mapped, compatible, NAT64, 6to4', () => {
    const privateForms = [
      '::ffff:7f00:1', // mapped 127.0.0.1, hex notation
      '::ffff:a9fe:a9fe', // mapped 169.254.169.254
      '::127.0.0.1', // IPv4-compatible
      '::a00:1',
      '64:ff9b::127.0.0.1', // NAT64 well-known prefix (RFC 6052)
      '64:ff9b::7f00:1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b::c0a8:101', // 192.168.1.1
      '[64:ff9b::10.0.0.1]',
      '64:ff9b:1::a00:1', // local-use NAT64 (RFC 8215), refused whole
      '64:ff9b:1:ffff::808:808',
      '2002:7f00:1::1', // 6to4 of 127.0.0.1 (RFC 3056)
      '2002:a00:1::', // 6to4 of 10.0.0.1
      '2002:a9fe:a9fe:1::1',
      '2002:c0a8:0101::1',
      '2002:6440:1::1', // 100.64.0.1 (CGNAT)
      '2002:e000:1::1', // 224.0.0.1
    ];
    for (const address of privateForms) assert.equal(isPrivateAddress(address), true, address);
    const publicForms = ['::ffff:808:808', '::8.8.8.8', '64:ff9b::8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '2002:cb00:7107::1', '64:ff9b:0:0:1::a00:1'];
    for (const address of publicForms) assert.equal(isPrivateAddress(address), false, address);
  });

  it('refuses NAT64 and 6to4 literals of private addresses in URLs', () => {
    for (const url of ['http://[64:ff9b::7f00:1]:9001/federation/actor', 'http://[64:ff9b::a9fe:a9fe]/latest/meta-data', 'http://[2002:7f00:1::1]/x', 'http://[2002:a00:1::]/x', 'http://[64:ff9b:1::1]/x']) {
      assert.throws(() => assertPublicLiteral(new URL(url)), /private or special-purpose address/, url);
    }
    assert.doesNotThrow(() => assertPublicLiteral(new URL('http://[64:ff9b::808:808]/federation/actor')));
    assert.doesNotThrow(() => assertPublicLiteral(new URL('http://[2002:808:808::1]/federation/actor')));
  });

  it('lets public addresses through, and is not fooled by look-alikes', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '100.128.0.1', '11.0.0.1', '2001:db8::1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(isPrivateAddress(address), false, address);
    }
    assert.equal(isPrivateAddress('not an address'), false, 'names are for the lookup to resolve');
  });

  it('refuses private IP literals and localhost names in URLs, before any connection', () => {
    for (const url of ['http://127.0.0.1:9001/federation/actor', 'http://[::1]/x', 'http://localhost:9000/x', 'http://LOCALHOST./x', 'http://pod.localhost/x', 'http://169.254.169.254/latest/meta-data']) {
      assert.throws(() => assertPublicLiteral(new URL(url)), /private or special-purpose address/, url);
    }
    assert.doesNotThrow(() => assertPublicLiteral(new URL('http://203.0.114.7/federation/actor')));
    assert.doesNotThrow(() => assertPublicLiteral(new URL('http://pod.example/federation/actor')));
  });

  it('refuses a name that resolves to a private address, at lookup time', async () => {
    const outcome = await new Promise<{ error: Error | null; address: unknown }>((resolve) =>
      publicOnlyLookup('localhost', {}, (error, address) => resolve({ error, address })),
    );
    assert.match(String(outcome.error?.message), /localhost is at (127\.0\.0\.1|::1), a private or special-purpose address/);
  });
});
