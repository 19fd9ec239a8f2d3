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
