import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EventStore } from '@swarmtube/event-store';
import type { EventLog } from '../../event-log/event-log.js';
import type { FederationClient } from '../federation-client.js';
import type { PeerDirectory } from '../peer-directory.js';
import { PodLog } from '../../logger/pod-log.js';
import { PullService } from './pull-service.js';

describe('PullService.busy (quiescence)', () => {
  test('a round of pulls is busy from its start, while it still asks a friend what it holds', async () => {
    let answer: (value: unknown) => void = () => {};
    const client = { getJson: () => new Promise((resolve) => (answer = resolve)) } as unknown as FederationClient;
    const peers = { friends: async () => ['http://friend.test/federation/actor'], mayContribute: async () => true, mayBeHeld: async () => true } as unknown as PeerDirectory;
    const store = { originHead: async () => null } as unknown as EventStore;
    const pulls = new PullService(store, {} as EventLog, client, peers, PodLog.silent());
    const round = pulls.pullFromFriends();
    assert.equal(pulls.busy, true, 'busy before the friend answered');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pulls.busy, true, 'busy while the friend has not answered');
    answer({ origins: [] });
    await round;
    assert.equal(pulls.busy, false, 'idle once the round is over');
  });
});
