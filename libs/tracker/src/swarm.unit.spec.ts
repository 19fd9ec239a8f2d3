import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_COMPLETED, EVENT_NONE, EVENT_STARTED, EVENT_STOPPED, Swarm, windowRuns, type AnnounceEvent } from './swarm.js';

const v4 = (n: number): Buffer => Buffer.from([10, 0, (n >> 8) & 255, n & 255, 0x1a, 0xe1]);
const v6 = (n: number): Buffer => Buffer.from(`20010db8000000000000000000${n.toString(16).padStart(6, '0')}1ae1`, 'hex');
const id = (n: number): string => `peer-${String(n).padStart(15, '0')}`;

/** The peers of one family an announcer at `self` gets, as a set of hex addresses. */
function answer(swarm: Swarm, v6family: boolean, seeder: boolean, self: number, numwant: number): string[] {
  const n = Math.min(numwant, swarm.available(v6family, seeder, self));
  const stride = v6family ? 18 : 6;
  const out = Buffer.alloc(n * stride);
  assert.equal(swarm.copyPeers(v6family, seeder, self, n, out, 0), n * stride);
  const peers: string[] = [];
  for (let i = 0; i < n; i++) peers.push(out.toString('hex', i * stride, (i + 1) * stride));
  return peers;
}

describe('windowRuns', () => {
  it('covers exactly n distinct slots, never the skipped one, for every start', () => {
    const out = new Int32Array(12);
    for (let m = 1; m <= 9; m++) {
      for (let skip = -1; skip < m; skip++) {
        const max = m - (skip >= 0 ? 1 : 0);
        for (let n = 0; n <= max; n++) {
          for (let start = 0; start < m; start++) {
            const runs = windowRuns(m, n, skip, start, out);
            assert.ok(runs <= 3);
            const slots: number[] = [];
            for (let r = 0; r < runs; r++) for (let s = out[2 * r]; s < out[2 * r + 1]; s++) slots.push(s);
            const what = `m=${m} n=${n} skip=${skip} start=${start}`;
            assert.equal(slots.length, n, what);
            assert.equal(new Set(slots).size, n, what);
            assert.ok(!slots.includes(skip), what);
            assert.ok(slots.every((s) => s >= 0 && s < m), what);
          }
        }
      }
    }
  });
});

describe('Swarm (HTTP/UDP peers)', () => {
  it('gives leechers both kinds, seeders only leechers, nobody themselves', () => {
    const swarm = new Swarm('aa');
    const seeders = [1, 2, 3].map((n) => swarm.announce(id(n), v4(n), 6, true, EVENT_STARTED, 100));
    const leechers = [4, 5].map((n) => swarm.announce(id(n), v4(n), 6, false, EVENT_STARTED, 100));
    assert.equal(swarm.seeders, 3);
    assert.equal(swarm.leechers, 2);
    const toSeeder = answer(swarm, false, true, seeders[0], 50).sort();
    assert.deepEqual(toSeeder, [v4(4), v4(5)].map((b) => b.toString('hex')).sort());
    const toLeecher = answer(swarm, false, false, leechers[0], 50).sort();
    assert.deepEqual(toLeecher, [1, 2, 3, 5].map((n) => v4(n).toString('hex')).sort());
    assert.deepEqual(answer(swarm, true, false, leechers[0], 50), [], 'no IPv6 peers');
  });

  it('honours numwant with distinct peers, split between seeders and leechers', () => {
    const swarm = new Swarm('aa');
    for (let n = 0; n < 100; n++) swarm.announce(id(n), v4(n), 6, n < 50, EVENT_STARTED, 100);
    const self = swarm.announce(id(1000), v4(1000), 6, false, EVENT_STARTED, 100);
    for (let round = 0; round < 50; round++) {
      const peers = answer(swarm, false, false, self, 10);
      assert.equal(peers.length, 10);
      assert.equal(new Set(peers).size, 10);
      assert.ok(!peers.includes(v4(1000).toString('hex')));
      const fromSeeders = peers.filter((p) => Number.parseInt(p.slice(4, 8), 16) < 50).length;
      assert.ok(fromSeeders >= 4 && fromSeeders <= 6, `split ${fromSeeders}/10`);
    }
  });

  it('keeps IPv6 peers apart (BEP 7) and moves a peer whose address family changes', () => {
    const swarm = new Swarm('aa');
    swarm.announce(id(1), v6(1), 18, false, EVENT_STARTED, 100);
    const self = swarm.announce(id(2), v4(2), 6, false, EVENT_STARTED, 100);
    assert.deepEqual(answer(swarm, true, false, self, 50), [v6(1).toString('hex')]);
    swarm.announce(id(1), v4(1), 6, false, EVENT_NONE, 100);
    assert.deepEqual(answer(swarm, true, false, self, 50), []);
    assert.deepEqual(answer(swarm, false, false, self, 50), [v4(1).toString('hex')]);
    assert.equal(swarm.index.size, 2);
  });

  it('counts a completion once, removes on stopped, updates the address of a known peer', () => {
    const swarm = new Swarm('aa');
    swarm.announce(id(1), v4(1), 6, false, EVENT_STARTED, 100);
    swarm.announce(id(1), v4(1), 6, true, EVENT_COMPLETED, 100);
    swarm.announce(id(1), v4(1), 6, true, EVENT_COMPLETED, 100);
    assert.equal(swarm.downloaded, 1);
    assert.equal(swarm.seeders, 1);
    assert.equal(swarm.leechers, 0);
    const self = swarm.announce(id(2), v4(2), 6, false, EVENT_STARTED, 100);
    swarm.announce(id(1), v4(9), 6, true, EVENT_NONE, 100);
    assert.deepEqual(answer(swarm, false, false, self, 50), [v4(9).toString('hex')]);
    assert.equal(swarm.announce(id(1), v4(9), 6, true, EVENT_STOPPED, 100), -1);
    assert.equal(swarm.seeders, 0);
    assert.deepEqual(answer(swarm, false, false, self, 50), []);
    assert.equal(swarm.announce(id(7), v4(7), 6, true, EVENT_STOPPED, 100), -1, 'stopping an unknown peer is harmless');
  });

  it('expires peers that stopped announcing', () => {
    const swarm = new Swarm('aa');
    for (let n = 0; n < 20; n++) swarm.announce(id(n), v4(n), 6, n % 2 === 0, EVENT_STARTED, n < 10 ? 50 : 150);
    assert.equal(swarm.expire(100), 10);
    assert.equal(swarm.size, 10);
    for (const [peer, location] of swarm.index) {
      const list = swarm.lists[location & 3]!;
      assert.equal(list.ids[location >>> 2], peer);
      assert.ok(list.expires[location >>> 2] > 100);
    }
    assert.equal(swarm.expire(200), 10);
    assert.equal(swarm.size, 0);
  });

  it('matches a plain reference model under random announces, stops and expiries', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const swarm = new Swarm('aa');
    const model = new Map<string, { addr: string; seeder: boolean; expires: number }>();
    for (let step = 0; step < 5000; step++) {
      const n = random(60);
      const now = Math.floor(step / 10);
      if (step % 500 === 499) {
        swarm.expire(now);
        for (const [peer, entry] of model) if (entry.expires <= now) model.delete(peer);
      }
      const event = [EVENT_NONE, EVENT_STARTED, EVENT_COMPLETED, EVENT_STOPPED][random(4)] as AnnounceEvent;
      const family6 = random(4) === 0;
      const addr = family6 ? v6(random(1000)) : v4(random(1000));
      const seeder = random(2) === 0;
      swarm.announce(id(n), addr, family6 ? 18 : 6, seeder, event, now + 30);
      if (event === EVENT_STOPPED) model.delete(id(n));
      else model.set(id(n), { addr: addr.toString('hex'), seeder, expires: now + 30 });
      assert.equal(swarm.index.size, model.size);
    }
    for (const [peer, entry] of model) {
      const location = swarm.index.get(peer)!;
      const list = swarm.lists[location & 3]!;
      assert.equal(list.addrs.toString('hex', (location >>> 2) * list.stride, ((location >>> 2) + 1) * list.stride), entry.addr);
      assert.equal((location & 1) === 1, entry.seeder);
    }
    assert.equal(swarm.seeders, [...model.values()].filter((e) => e.seeder).length);
  });
});

describe('Swarm (WebTorrent members)', () => {
  it('adds, refreshes, picks others from a random start, removes', () => {
    const swarm = new Swarm<string>('aa');
    const members = ['a', 'b', 'c', 'd'].map((conn, i) => swarm.wsAnnounce(id(i), conn, i === 0, EVENT_STARTED, 100)!);
    assert.equal(swarm.seeders, 1);
    assert.equal(swarm.leechers, 3);
    for (let round = 0; round < 20; round++) {
      const picked = swarm.wsPick(members[1], 2);
      assert.equal(picked.length, 2);
      assert.ok(!picked.includes(members[1]));
      assert.equal(new Set(picked).size, 2);
    }
    assert.equal(swarm.wsPick(members[1], 10).length, 3);
    assert.equal(swarm.wsAnnounce(id(1), 'b', true, EVENT_COMPLETED, 100), members[1]);
    assert.equal(swarm.downloaded, 1);
    assert.equal(swarm.seeders, 2);
    assert.equal(swarm.wsAnnounce(id(2), 'c', false, EVENT_STOPPED, 100), null);
    assert.equal(swarm.wsRemove(members[2]), false, 'already gone');
    assert.equal(swarm.size, 3);
    const expired: string[] = [];
    swarm.wsAnnounce(id(0), 'a', true, EVENT_NONE, 300);
    assert.equal(swarm.wsExpire(200, (m) => expired.push(m.conn)), 2);
    assert.deepEqual(expired.sort(), ['b', 'd']);
    assert.equal(swarm.size, 1);
    assert.equal(swarm.seeders, 1);
  });
});
