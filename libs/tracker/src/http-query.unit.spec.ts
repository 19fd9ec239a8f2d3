import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAnnounceQuery, parseScrapeQuery, type AnnounceRequest } from './http-query.js';
import { EVENT_COMPLETED, EVENT_NONE, EVENT_STARTED, EVENT_STOPPED } from './swarm.js';
import { HASH_A, HASH_B, peerId, percent } from './test-support.js';

const base = (extra = ''): string =>
  `/tracker/announce?info_hash=${percent(HASH_A)}&peer_id=${percent(peerId('-AR1360-'))}&port=6881&uploaded=0&downloaded=0&left=10${extra}`;

function ok(url: string): AnnounceRequest {
  const parsed = parseAnnounceQuery(url);
  assert.ok(parsed.ok, parsed.ok ? '' : `${parsed.code}: ${parsed.reason}`);
  return parsed;
}

function code(url: string): string {
  const parsed = parseAnnounceQuery(url);
  assert.equal(parsed.ok, false, `accepted: ${url}`);
  return parsed.ok ? '' : parsed.code;
}

describe('announce query (BEP 3 parameters, raw query string)', () => {
  it('reads the BEP 23 example request', () => {
    const parsed = ok('/announce?peer_id=aaaaaaaaaaaaaaaaaaaa&info_hash=aaaaaaaaaaaaaaaaaaaa&port=6881&left=0&downloaded=100&uploaded=0&compact=1');
    assert.equal(parsed.infoHashHex, Buffer.from('aaaaaaaaaaaaaaaaaaaa').toString('hex'));
    assert.equal(parsed.peerId, 'aaaaaaaaaaaaaaaaaaaa');
    assert.equal(parsed.port, 6881);
    assert.equal(parsed.seeder, true);
    assert.equal(parsed.compact, true);
    assert.equal(parsed.event, EVENT_NONE);
  });

  it('decodes info_hash and peer_id byte by byte, never through UTF-8', () => {
    const id = Buffer.from('2d5452333030302d00ff80c3a9e2828c253d262b', 'hex');
    const parsed = ok(`/a?info_hash=${percent(HASH_B)}&peer_id=${percent(id)}&port=1&uploaded=0&downloaded=0&left=1`);
    assert.equal(parsed.infoHashHex, HASH_B.toString('hex'));
    assert.equal(parsed.peerId.length, 20);
    assert.deepEqual(Buffer.from(parsed.peerId, 'latin1'), id);
  });

  it('takes unescaped characters as the bytes they are (mixed escaping, as libtorrent sends)', () => {
    const parsed = ok(`/a?info_hash=%c1%a2%b3%c4%d5%e6%f7%08%19*%3bL%5dn%7f%80%91%a2%b3%c4&peer_id=-qB4250-abcdefghij.~&port=1&uploaded=0&downloaded=0&left=1`);
    assert.equal(parsed.infoHashHex, 'c1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4');
    assert.equal(parsed.peerId, '-qB4250-abcdefghij.~');
  });

  it('reads events, compact=0, no_peer_id, numwant', () => {
    assert.equal(ok(base('&event=started')).event, EVENT_STARTED);
    assert.equal(ok(base('&event=completed')).event, EVENT_COMPLETED);
    assert.equal(ok(base('&event=stopped')).event, EVENT_STOPPED);
    assert.equal(ok(base('&event=empty')).event, EVENT_NONE);
    assert.equal(ok(base('&event=')).event, EVENT_NONE);
    assert.equal(ok(base()).compact, true, 'compact is the default (BEP 23)');
    assert.equal(ok(base('&compact=0')).compact, false);
    assert.equal(ok(base('&compact=0&no_peer_id=1')).noPeerId, true);
    assert.equal(ok(base()).numwant, 50);
    assert.equal(ok(base('&numwant=7')).numwant, 7);
    assert.equal(ok(base('&numwant=0')).numwant, 0);
    assert.equal(ok(base('&numwant=-1')).numwant, 50, 'negative: the default');
    assert.equal(ok(base('&numwant=999999')).numwant, 200, 'clamped');
    assert.equal(ok(base('&numwant=99999999999999999999999999999')).numwant, 200, 'clamped, no overflow');
    assert.equal(ok(base().replace('left=10', 'left=00')).seeder, true);
    assert.equal(ok(base().replace('left=10', 'left=%30')).seeder, true);
    assert.equal(ok(base().replace('left=10', 'left=18446744073709551615')).seeder, false);
    assert.equal(ok(base('&key=abc&trackerid=x&supportcrypto=1&ip=6.6.6.6&corrupt=0&flag')).port, 6881, 'unknown parameters are ignored');
  });

  it('refuses bad info_hash values', () => {
    const rest = `&peer_id=${percent(peerId('x'))}&port=1&uploaded=0&downloaded=0&left=1`;
    assert.equal(code(`/a?info_hash=abc${rest}`), 'invalidInfoHash');
    assert.equal(code(`/a?info_hash=${HASH_A.toString('hex')}${rest}`), 'invalidInfoHash', '40 hex chars are 40 bytes');
    assert.equal(code(`/a?info_hash=${percent(HASH_A.subarray(0, 19))}${rest}`), 'invalidInfoHash');
    assert.equal(code(`/a?info_hash=${percent(HASH_A)}%00${rest}`), 'invalidInfoHash');
    assert.equal(code(`/a?info_hash=${percent(HASH_A.subarray(0, 19))}%zz${rest}`), 'invalidInfoHash');
    assert.equal(code(`/a?info_hash=${percent(HASH_A.subarray(0, 19))}%4${rest}`), 'invalidInfoHash');
    assert.equal(code(`/a?info_hash=${percent(HASH_A.subarray(0, 19))}%`), 'invalidInfoHash');
    assert.equal(code(`/a?info_hash=${rest}`), 'invalidInfoHash');
    assert.equal(code(`/a?info_hash=${percent(HASH_A.subarray(0, 19))}\u0100${rest}`), 'invalidInfoHash');
  });

  it('refuses bad peer_id, port, amounts, event, numwant', () => {
    const q = (peer: string, port: string, extra = ''): string =>
      `/a?info_hash=${percent(HASH_A)}&peer_id=${peer}&port=${port}&uploaded=0&downloaded=0&left=1${extra}`;
    const good = percent(peerId('x'));
    assert.equal(code(q('short', '1')), 'invalidPeerId');
    assert.equal(code(q(good + 'a', '1')), 'invalidPeerId');
    assert.equal(code(q(good, '0')), 'invalidPort');
    assert.equal(code(q(good, '70000')), 'invalidPort');
    assert.equal(code(q(good, '65536')), 'invalidPort');
    assert.equal(code(q(good, '-1')), 'invalidPort');
    assert.equal(code(q(good, '1e3')), 'invalidPort');
    assert.equal(code(q(good, '')), 'invalidPort');
    assert.equal(code(q(good, '000000000000000070000')), 'invalidPort');
    assert.equal(ok(q(good, '0080')).port, 80, 'leading zeros are still decimal');
    assert.equal(ok(q(good, '%36%38%38%31')).port, 6881, 'escaped digits are decoded');
    assert.equal(code(q(good, '%36%38%38%3')), 'invalidPort');
    assert.equal(code(q(good, '6881%00')), 'invalidPort');
    assert.equal(ok(q(good, '65535')).port, 65535);
    assert.equal(code(q(good, '1', '&left=-5').replace('&left=1', '')), 'invalidAmount');
    assert.equal(code(q(good, '1').replace('uploaded=0', 'uploaded=1.5')), 'invalidAmount');
    assert.equal(code(q(good, '1').replace('uploaded=0', 'uploaded=1%2E5')), 'invalidAmount');
    assert.equal(code(q(good, '1').replace('uploaded=0', 'uploaded=')), 'invalidAmount');
    assert.equal(code(q(good, '1').replace('downloaded=0', 'downloaded=' + '9'.repeat(21))), 'invalidAmount');
    assert.equal(code(q(good, '1', '&event=paused')), 'invalidEvent');
    assert.equal(code(q(good, '1', '&numwant=lots')), 'invalidNumwant');
    assert.equal(code(q(good, '1', '&numwant=')), 'invalidNumwant');
  });

  it('refuses missing and repeated parameters', () => {
    assert.equal(code('/tracker/announce'), 'missingParameter');
    assert.equal(code(base().replace('&left=10', '')), 'missingParameter');
    assert.equal(code(base().replace('&uploaded=0', '')), 'missingParameter');
    assert.equal(code(base('&port=6882')), 'duplicateParameter');
    assert.equal(code(base(`&info_hash=${percent(HASH_B)}`)), 'duplicateParameter');
  });

  it('refuses huge query strings before looking at them', () => {
    assert.equal(code(base('&pad=' + 'x'.repeat(10_000))), 'requestTooLong');
    assert.equal(code(base('&' + '&'.repeat(9000))), 'requestTooLong');
  });
});

describe('scrape query (BEP 48)', () => {
  it('reads several info_hash parameters', () => {
    const parsed = parseScrapeQuery(`/tracker/scrape?info_hash=${percent(HASH_A)}&info_hash=${percent(HASH_B)}&info_hash=${percent(HASH_A)}`);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.infoHashesHex, [HASH_A.toString('hex'), HASH_B.toString('hex')]);
  });

  it('refuses a full scrape, bad hashes, too many hashes', () => {
    const codeOf = (url: string): string => {
      const parsed = parseScrapeQuery(url);
      return parsed.ok ? 'ok' : parsed.code;
    };
    assert.equal(codeOf('/tracker/scrape'), 'fullScrapeRefused');
    assert.equal(codeOf('/tracker/scrape?foo=bar'), 'fullScrapeRefused');
    assert.equal(codeOf('/tracker/scrape?info_hash=short'), 'invalidInfoHash');
    assert.equal(codeOf(`/tracker/scrape?info_hash=${percent(HASH_A)}&info_hash=`), 'invalidInfoHash');
    const many = Array.from({ length: 101 }, (_, i) => `info_hash=${percent(Buffer.alloc(20, i))}`).join('&');
    assert.equal(codeOf(`/tracker/scrape?${many}`), 'tooManyInfoHashes');
  });
});
