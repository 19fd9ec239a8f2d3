import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bdecode, bencode } from './bencode.js';

describe('bencode (BEP 3)', () => {
  it('writes the BEP 48 scrape example byte for byte', () => {
    const body = bencode({
      files: new Map([
        ['xxxxxxxxxxxxxxxxxxxx', { complete: 11, downloaded: 13772, incomplete: 19 }],
        ['yyyyyyyyyyyyyyyyyyyy', { complete: 21, downloaded: 206, incomplete: 20 }],
      ]),
    });
    // The BEP's bytes lack the 'e' that closes x's figures, so they do not decode at all
    // (the dictionaries are never all closed); with it they match the JSON the BEP gives.
    const bepText =
      'd5:filesd20:xxxxxxxxxxxxxxxxxxxxd8:completei11e10:downloadedi13772e10:incompletei19e' +
      '20:yyyyyyyyyyyyyyyyyyyyd8:completei21e10:downloadedi206e10:incompletei20eee';
    assert.equal(bdecode(Buffer.from(bepText, 'latin1')).ok, false);
    assert.equal(body.toString('latin1'), bepText.replace('incompletei19e', 'incompletei19ee') + 'e');
  });

  it('writes the BEP 7 peers/peers6 example (keys sorted as bytes)', () => {
    const body = bencode({ peers6: Buffer.from('iiiiiiiiiiiiiiiipp', 'latin1'), interval: 1800, peers: Buffer.from('iiiipp', 'latin1') });
    assert.equal(body.toString('latin1'), 'd8:intervali1800e5:peers6:iiiipp6:peers618:iiiiiiiiiiiiiiiippe');
  });

  it('keeps binary keys as raw bytes and sorts them as bytes (node-bencode#88)', () => {
    const high = Buffer.from('ff00fe80817f20253d26e9e8c3a9000102030405', 'hex');
    const low = Buffer.from('0102030405060708090a0b0c0d0e0f1011121314', 'hex');
    const body = bencode(new Map([[high, 1], [low, 2]]));
    const expected = Buffer.concat([Buffer.from('d20:'), low, Buffer.from('i2e20:'), high, Buffer.from('i1ee')]);
    assert.deepEqual(body, expected);
    const decoded = bdecode(body);
    assert.ok(decoded.ok);
    assert.ok(decoded.value instanceof Map);
    assert.deepEqual([...decoded.value.keys()].map((k) => Buffer.from(k, 'latin1').toString('hex')), [low.toString('hex'), high.toString('hex')]);
  });

  it('writes strings as UTF-8 with their byte length, Buffers as they are', () => {
    assert.equal(bencode('é').toString('latin1'), '2:\u00c3\u00a9');
    assert.deepEqual(bencode(Buffer.from([0, 255])), Buffer.from([0x32, 0x3a, 0, 255]));
    assert.equal(bencode([1, -2, 'ab', []]).toString(), 'li1ei-2e2:ablee');
  });

  it('refuses what cannot be bencoded', () => {
    assert.throws(() => bencode(1.5), RangeError);
    assert.throws(() => bencode(new Map([['\u0100', 1]])), RangeError);
    assert.throws(() => bencode(new Map<string | Uint8Array, number>([['a', 1], [Buffer.from('a'), 2]])), RangeError);
  });

  it('decodes strictly: non-canonical input is refused with a reason, never a throw', () => {
    for (const bad of ['i01e', 'i-0e', 'ie', '3:ab', 'd1:bi1e1:ai2ee', 'd1:ai1e1:ai2ee', 'i1ei2e', 'l', 'd1:a', '01:a', 'x', 'di1ei2ee', '']) {
      const result = bdecode(Buffer.from(bad, 'latin1'));
      assert.equal(result.ok, false, bad);
    }
    const deep = Buffer.from('l'.repeat(100) + 'e'.repeat(100));
    assert.equal(bdecode(deep).ok, false);
  });

  it('round-trips', () => {
    const value = new Map<string, unknown>([['a', [1n, Buffer.from('x')]], ['b', new Map([['c', 0n]])]]);
    const decoded = bdecode(bencode(value as never));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, value);
  });
});
