import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseFriends } from './choose-friends.js';

describe('choosing friends by majority (the seed rule)', () => {
  test('the demo: 9001 asks 9002 and 9003, who are friends, and befriends both', () => {
    assert.deepEqual(
      chooseFriends([
        { seed: 'localhost:9002', members: ['localhost:9003'] },
        { seed: 'localhost:9003', members: ['localhost:9002'] },
      ]),
      ['localhost:9002', 'localhost:9003'],
    );
  });

  test('a lone seed is befriended with all it knows', () => {
    assert.deepEqual(chooseFriends([{ seed: 'a', members: ['b', 'c'] }]), ['a', 'b', 'c']);
  });

  test('one pod of each of two groups: nobody has more than half, so no friends', () => {
    assert.deepEqual(
      chooseFriends([
        { seed: 'a1', members: ['a2', 'a3'] },
        { seed: 'b1', members: ['b2', 'b3'] },
      ]),
      [],
    );
  });

  test('hosts named by a minority are left out; a seed listing itself twice counts once', () => {
    assert.deepEqual(
      chooseFriends([
        { seed: 'a', members: ['a', 'b', 'x'] },
        { seed: 'b', members: ['a'] },
        { seed: 'c', members: ['a', 'b'] },
      ]),
      ['a', 'b'],
    );
  });
});
