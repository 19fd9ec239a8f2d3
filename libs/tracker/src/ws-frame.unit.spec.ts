import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptKey, encodeFrame, encodeText, isValidKey, OPCODE_CONTINUATION, OPCODE_PING, OPCODE_TEXT, readFrames, type FrameEvent, type FrameState } from './ws-frame.js';

const fresh = (): FrameState => ({ pending: null, fragments: null });
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

function feed(state: FrameState, bytes: Buffer, chunk = bytes.length, max = 1024): FrameEvent[] {
  const events: FrameEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunk) events.push(...readFrames(state, Buffer.from(bytes.subarray(i, i + chunk)), max));
  return events;
}

describe('WebSocket framing (RFC 6455)', () => {
  it('computes the accept key of section 1.3', () => {
    assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    assert.ok(isValidKey('dGhlIHNhbXBsZSBub25jZQ=='));
    assert.ok(!isValidKey('dGhlIHNhbXBsZSBub25jZQ'));
    assert.ok(!isValidKey(undefined));
  });

  it('reads the masked "Hello" of section 5.7, whole and byte by byte', () => {
    const frame = Buffer.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
    for (const chunk of [frame.length, 1, 3]) {
      const state = fresh();
      const events = feed(state, frame, chunk);
      assert.equal(events.length, 1);
      assert.equal(events[0].type, 'message');
      assert.equal(events[0].type === 'message' && events[0].data.toString(), 'Hello');
      assert.equal(state.pending, null);
    }
    assert.deepEqual(encodeFrame(OPCODE_TEXT, Buffer.from('Hello'), MASK), frame);
  });

  it('writes the unmasked "Hello" of section 5.7 and the 16- and 64-bit lengths', () => {
    assert.deepEqual(encodeText('Hello'), Buffer.from([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]));
    const medium = encodeText('x'.repeat(256));
    assert.deepEqual(medium.subarray(0, 4), Buffer.from([0x81, 0x7e, 0x01, 0x00]));
    const large = encodeText('x'.repeat(65536));
    assert.deepEqual(large.subarray(0, 10), Buffer.from([0x81, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]));
  });

  it('reassembles a fragmented message with a ping in between (section 5.4)', () => {
    const first = Buffer.from(encodeFrame(OPCODE_TEXT, Buffer.from('Hel'), MASK));
    first[0] &= 0x7f; // FIN off
    const ping = encodeFrame(OPCODE_PING, Buffer.from('p'), MASK);
    const last = encodeFrame(OPCODE_CONTINUATION, Buffer.from('lo'), MASK);
    const events = feed(fresh(), Buffer.concat([first, ping, last]), 2);
    assert.deepEqual(events.map((e) => e.type), ['ping', 'message']);
    assert.equal(events[1].type === 'message' && events[1].data.toString(), 'Hello');
  });

  it('reads a 16-bit length frame split anywhere', () => {
    const payload = Buffer.from(JSON.stringify({ action: 'announce', pad: 'y'.repeat(300) }));
    const frame = encodeFrame(OPCODE_TEXT, payload, MASK);
    for (const chunk of [1, 2, 5, 131]) {
      const events = feed(fresh(), frame, chunk);
      assert.equal(events.length, 1, `chunk ${chunk}`);
      assert.deepEqual(events[0].type === 'message' && events[0].data, payload);
    }
  });

  it('fails the connection on hostile frames', () => {
    const codeOf = (bytes: Buffer, max = 1024): number | undefined => {
      const events = feed(fresh(), bytes, bytes.length, max);
      const last = events.at(-1);
      return last?.type === 'error' ? last.code : undefined;
    };
    assert.equal(codeOf(encodeFrame(OPCODE_TEXT, Buffer.from('hi'))), 1002, 'unmasked client frame');
    const rsv = Buffer.from(encodeFrame(OPCODE_TEXT, Buffer.from('hi'), MASK));
    rsv[0] |= 0x40;
    assert.equal(codeOf(rsv), 1002, 'RSV1 without permessage-deflate');
    assert.equal(codeOf(encodeFrame(0x3, Buffer.from('hi'), MASK)), 1002, 'reserved opcode');
    assert.equal(codeOf(encodeFrame(OPCODE_TEXT, Buffer.alloc(2000, 0x61), MASK)), 1009, 'over the message limit');
    assert.equal(codeOf(Buffer.from([0x81, 0xff, 0, 0, 0, 1, 0, 0, 0, 0])), 1009, 'a 4 GiB length, refused before any payload');
    assert.equal(codeOf(encodeFrame(OPCODE_TEXT, Buffer.from([0xc3, 0x28]), MASK)), 1007, 'invalid UTF-8');
    assert.equal(codeOf(encodeFrame(OPCODE_CONTINUATION, Buffer.from('x'), MASK)), 1002, 'continuation without start');
    assert.equal(codeOf(encodeFrame(OPCODE_PING, Buffer.alloc(126), MASK)), 1002, 'control frame over 125 bytes');
    assert.equal(codeOf(encodeFrame(0x8, Buffer.from([3]), MASK)), 1002, 'close with a one-byte payload');
    assert.equal(codeOf(encodeFrame(0x8, Buffer.from([0x03, 0xed]), MASK)), 1002, 'close code 1005 may not be sent');
    const fragment = Buffer.from(encodeFrame(OPCODE_TEXT, Buffer.alloc(600, 0x61), MASK));
    fragment[0] &= 0x7f;
    const more = encodeFrame(OPCODE_CONTINUATION, Buffer.alloc(600, 0x61), MASK);
    assert.equal(codeOf(Buffer.concat([fragment, more])), 1009, 'fragments add up past the limit');
  });

  it('stops at a close frame', () => {
    const close = encodeFrame(0x8, Buffer.from([0x03, 0xe8]), MASK);
    const after = encodeFrame(OPCODE_TEXT, Buffer.from('late'), MASK);
    const events = feed(fresh(), Buffer.concat([close, after]));
    assert.deepEqual(events, [{ type: 'close', code: 1000 }]);
  });
});
