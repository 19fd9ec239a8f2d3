import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { afterContact, automaticVoteReason, AUTOMATIC_VOTE_PREFIX, hasRecovered, HEALTH_SCORE, initialHealth, isUnhealthy, type PeerHealth } from './health-score.js';

const at = '2026-11-26T09:00:00.000Z';
const ok = (h: PeerHealth) => afterContact(h, { ok: true, at });
const ko = (h: PeerHealth) => afterContact(h, { ok: false, at, error: 'ECONNREFUSED' });
const times = (n: number, step: (h: PeerHealth) => PeerHealth, h = initialHealth()) => Array.from({ length: n }).reduce<PeerHealth>((acc) => step(acc), h);

describe('health scores: given a peer\'s contacts, its score', () => {
  test('starts at 100, +10 per success, -10 per failure', () => {
    assert.equal(initialHealth().score, 100);
    assert.equal(ok(initialHealth()).score, 110);
    assert.equal(ko(initialHealth()).score, 90);
  });

  test('is capped at 1000 and at 0', () => {
    assert.equal(times(200, ok).score, HEALTH_SCORE.max);
    assert.equal(times(200, ko).score, HEALTH_SCORE.min);
  });

  test('a new peer that fails 8 times in a row is at the default threshold (20); one from the cap needs 98 failures', () => {
    const failing = times(8, ko);
    assert.equal(failing.score, 20);
    assert.equal(failing.failuresInRow, 8);
    assert.equal(isUnhealthy(failing, 20), true);
    assert.equal(isUnhealthy(times(7, ko), 20), false);
    assert.equal(isUnhealthy(times(97, ko, times(100, ok)), 20), false);
    assert.equal(isUnhealthy(times(98, ko, times(100, ok)), 20), true);
  });

  test('a success resets the failures in a row and records when the peer was last seen', () => {
    const back = ok(times(3, ko));
    assert.equal(back.failuresInRow, 0);
    assert.equal(back.lastSeenAt, at);
    assert.equal(back.failures, 3);
    assert.equal(back.successes, 1);
    assert.equal(times(3, ko).lastError, 'ECONNREFUSED');
  });

  test('recovery (an automatic vote is withdrawn) needs the score of a new peer again, not one step over the threshold', () => {
    const low = times(8, ko);
    assert.equal(hasRecovered(ok(low), 20), false);
    assert.equal(hasRecovered(times(8, ok, low), 20), true);
    assert.equal(hasRecovered(times(6, ok), 150), false, 'with a high threshold: threshold + 20');
    assert.equal(hasRecovered(times(7, ok), 150), true);
  });

  test('an automatic vote says so, and its reason fits a vote event (no control characters, ≤ 1,000)', () => {
    const reason = automaticVoteReason({ ...times(8, ko), lastError: 'x'.repeat(2000) }, 20);
    assert.ok(reason.startsWith(AUTOMATIC_VOTE_PREFIX));
    assert.ok(reason.length <= 1000);
    assert.match(reason, /health score 20 after 8 failed contact\(s\) in a row \(threshold 20\)/);
  });
});

describe('health.probeIntervalSeconds: a duration in seconds, decimals allowed', () => {
  test('0.1 from the environment is a tenth of a second; 0 turns probes off; the rest is refused', async () => {
    const { loadPodConfig } = await import('../../config/pod-config.js');
    const interval = (value: string) => loadPodConfig({ env: { SWARMTUBE_HEALTH_PROBE_INTERVAL_SECONDS: value } }).health.probeIntervalSeconds;
    assert.equal(interval('0.1'), 0.1);
    assert.equal(interval('0'), 0);
    assert.equal(interval('30'), 30);
    for (const bad of ['-1', 'abc', '1e9', 'Infinity']) assert.throws(() => interval(bad), /health.probeIntervalSeconds/, bad);
  });
});
