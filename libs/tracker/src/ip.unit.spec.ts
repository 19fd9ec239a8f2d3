import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCompactAddress, writeCompactPeer, writeIpv6 } from './ip.js';

describe('compact peer addresses (BEP 23, BEP 7)', () => {
  it('packs IPv4 as 4 bytes and the port, network order', () => {
    const out = Buffer.alloc(18);
    assert.equal(writeCompactPeer('10.1.2.254', 6881, out), 6);
    assert.deepEqual(out.subarray(0, 6), Buffer.from([10, 1, 2, 254, 0x1a, 0xe1]));
  });

  it('treats IPv4-mapped IPv6 (dual-stack sockets) as IPv4', () => {
    const out = Buffer.alloc(18);
    assert.equal(writeCompactPeer('::ffff:127.0.0.1', 80, out), 6);
    assert.deepEqual(out.subarray(0, 6), Buffer.from([127, 0, 0, 1, 0, 80]));
    assert.equal(writeCompactPeer('::FFFF:7f00:1', 80, out), 6);
    assert.deepEqual(out.subarray(0, 6), Buffer.from([127, 0, 0, 1, 0, 80]));
  });

  it('packs IPv6 as 16 bytes and the port', () => {
    const out = Buffer.alloc(18);
    assert.equal(writeCompactPeer('2001:db8::1', 443, out), 18);
    assert.deepEqual(out, Buffer.from('20010db80000000000000000000000010' + '1bb', 'hex').subarray(0, 18));
    assert.equal(writeCompactPeer('fe80::1%eth0', 1, out), 18);
    assert.equal(formatCompactAddress(out, 0, 18), 'fe80::1');
  });

  it('refuses what is not an address', () => {
    const out = Buffer.alloc(18);
    for (const bad of ['', '1.2.3', '1.2.3.256', '1.2.3.4.5', '01234.1.1.1', 'a.b.c.d', '1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9', 'localhost']) {
      assert.equal(writeCompactPeer(bad, 1, out), 0, bad);
    }
  });

  it('formats addresses back for non-compact answers', () => {
    const out = Buffer.alloc(18);
    writeIpv6('2001:db8:0:0:1:0:0:1', out, 0);
    assert.equal(formatCompactAddress(out, 0, 18), '2001:db8::1:0:0:1');
    writeIpv6('::', out, 0);
    assert.equal(formatCompactAddress(out, 0, 18), '::');
    assert.equal(formatCompactAddress(Buffer.from([192, 168, 0, 1, 0, 0]), 0, 6), '192.168.0.1');
  });
});
