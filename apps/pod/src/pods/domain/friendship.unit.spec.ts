import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideFriendship, type FriendshipCommand, type FriendshipContext } from './friendship.js';

const ME = 'http://pod-1.test/federation/actor';
const PEER = 'http://pod-2.test/federation/actor';

/** given the friendship, when the command is decided: then the decision. */
function given(friendship: FriendshipContext['friendship'], peerExpelled = false) {
  return { when: (command: FriendshipCommand) => decideFriendship(command, { me: ME, peer: PEER, friendship, peerExpelled }) };
}
const accept: FriendshipCommand = { type: 'AnswerRequest', answer: 'accept' };
const reject: FriendshipCommand = { type: 'AnswerRequest', answer: 'reject' };
const remove: FriendshipCommand = { type: 'RemoveFriend' };

describe('a friendship: given what the two pods asked, when this pod answers or drops', () => {
  test('a request from the peer, accepted: FriendshipAccepted naming the requester and this pod', () => {
    assert.deepEqual(given({ status: 'requested', requester: PEER }).when(accept), { ok: true, event: { type: 'FriendshipAccepted', data: { requester: PEER, accepter: ME } } });
  });

  test('a request from the peer, rejected: FriendshipEnded, declined (it may ask again later)', () => {
    assert.deepEqual(given({ status: 'requested', requester: PEER }).when(reject), { ok: true, event: { type: 'FriendshipEnded', data: { peer: PEER, reason: 'declined' } } });
  });

  test('no request, this pod\'s own request, a friend already or an ended friendship: nothing to answer', () => {
    for (const friendship of [null, { status: 'requested', requester: ME }, { status: 'accepted', requester: PEER }, { status: 'ended', requester: PEER }]) {
      assert.deepEqual(given(friendship).when(accept), { ok: false, code: 'no-friendship-request' }, JSON.stringify(friendship));
      assert.deepEqual(given(friendship).when(reject), { ok: false, code: 'no-friendship-request' }, JSON.stringify(friendship));
    }
  });

  test('an expelled peer is never answered, not even with its request waiting', () => {
    assert.deepEqual(given({ status: 'requested', requester: PEER }, true).when(accept), { ok: false, code: 'already-expelled' });
  });

  test('a friend, or this pod\'s own request still waiting, is dropped: FriendshipEnded, removed', () => {
    for (const friendship of [{ status: 'accepted', requester: PEER }, { status: 'accepted', requester: ME }, { status: 'requested', requester: ME }]) {
      assert.deepEqual(given(friendship).when(remove), { ok: true, event: { type: 'FriendshipEnded', data: { peer: PEER, reason: 'removed' } } }, JSON.stringify(friendship));
    }
  });

  test('no friendship, an ended one or the peer\'s request: nothing to drop', () => {
    for (const friendship of [null, { status: 'ended', requester: ME }, { status: 'requested', requester: PEER }]) {
      assert.deepEqual(given(friendship).when(remove), { ok: false, code: 'not-friends' }, JSON.stringify(friendship));
    }
  });
});
