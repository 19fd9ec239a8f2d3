import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';

/**
 * The server side of RFC 6455 framing, small on purpose: the tracker holds tens of
 * thousands of idle WebTorrent peers, and per connection it keeps only a leftover partial
 * frame and the parts of a fragmented message (both usually null). No extensions are
 * negotiated (permessage-deflate would cost a zlib context per peer).
 */

export const OPCODE_CONTINUATION = 0x0;
export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;
export const OPCODE_CLOSE = 0x8;
export const OPCODE_PING = 0x9;
export const OPCODE_PONG = 0xa;

export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_INVALID_PAYLOAD = 1007;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_TOO_BIG = 1009;

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** A valid Sec-WebSocket-Key is the base64 of 16 bytes. */
export function isValidKey(key: unknown): key is string {
  return typeof key === 'string' && /^[A-Za-z0-9+/]{21}[AQgw]==$/.test(key);
}

export interface FrameState {
  /** Bytes of a frame not yet complete. */
  pending: Buffer | null;
  /** Parts of a fragmented message so far, null when none is in progress. */
  fragments: Buffer[] | null;
}

export type FrameEvent =
  | { readonly type: 'message'; readonly data: Buffer; readonly binary: boolean }
  | { readonly type: 'ping'; readonly data: Buffer }
  | { readonly type: 'pong' }
  | { readonly type: 'close'; readonly code: number | undefined }
  | { readonly type: 'error'; readonly code: number; readonly reason: string };

/**
 * Parses the frames of `chunk` (after any pending bytes). Stops after a close or an error
 * event: the caller closes the connection then. `maxMessage` bounds a message after
 * reassembly, so a peer cannot make the tracker buffer more than that.
 */
export function readFrames(state: FrameState, chunk: Buffer, maxMessage: number): FrameEvent[] {
  const events: FrameEvent[] = [];
  const buf = state.pending === null ? chunk : Buffer.concat([state.pending, chunk]);
  state.pending = null;
  let pos = 0;
  while (buf.length - pos >= 2) {
    const b0 = buf[pos];
    const b1 = buf[pos + 1];
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if ((b0 & 0x70) !== 0) return fail(events, CLOSE_PROTOCOL_ERROR, 'reserved bits set without an extension');
    if ((b1 & 0x80) === 0) return fail(events, CLOSE_PROTOCOL_ERROR, 'client frames must be masked');
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      if (buf.length - pos < 4) break;
      length = buf.readUInt16BE(pos + 2);
      header = 4;
    } else if (length === 127) {
      if (buf.length - pos < 10) break;
      const high = buf.readUInt32BE(pos + 2);
      if (high !== 0) return fail(events, CLOSE_TOO_BIG, 'message too big');
      length = buf.readUInt32BE(pos + 6);
      header = 10;
    }
    const control = opcode >= 0x8;
    if (control) {
      if (!fin) return fail(events, CLOSE_PROTOCOL_ERROR, 'control frames cannot be fragmented');
      if (length > 125) return fail(events, CLOSE_PROTOCOL_ERROR, 'control frame payload over 125 bytes');
    } else {
      const sofar = state.fragments === null ? 0 : totalLength(state.fragments);
      if (sofar + length > maxMessage) return fail(events, CLOSE_TOO_BIG, `message over ${maxMessage} bytes`);
    }
    if (buf.length - pos < header + 4 + length) break;
    const maskAt = pos + header;
    const start = maskAt + 4;
    const payload = buf.subarray(start, start + length);
    for (let i = 0; i < length; i++) payload[i] ^= buf[maskAt + (i & 3)];
    pos = start + length;

    switch (opcode) {
      case OPCODE_TEXT:
      case OPCODE_BINARY:
        if (state.fragments !== null) return fail(events, CLOSE_PROTOCOL_ERROR, 'new message inside a fragmented one');
        if (fin) {
          if (opcode === OPCODE_TEXT && !isUtf8(payload)) return fail(events, CLOSE_INVALID_PAYLOAD, 'text is not UTF-8');
          events.push({ type: 'message', data: payload, binary: opcode === OPCODE_BINARY });
        } else {
          // The first byte of the first part says text or binary; copy, the chunk is reused.
          state.fragments = [Buffer.from([opcode]), Buffer.from(payload)];
        }
        break;
      case OPCODE_CONTINUATION: {
        if (state.fragments === null) return fail(events, CLOSE_PROTOCOL_ERROR, 'continuation without a message');
        state.fragments.push(Buffer.from(payload));
        if (fin) {
          const [kind, ...parts] = state.fragments;
          state.fragments = null;
          const data = Buffer.concat(parts);
          const binary = kind[0] === OPCODE_BINARY;
          if (!binary && !isUtf8(data)) return fail(events, CLOSE_INVALID_PAYLOAD, 'text is not UTF-8');
          events.push({ type: 'message', data, binary });
        }
        break;
      }
      case OPCODE_PING:
        events.push({ type: 'ping', data: Buffer.from(payload) });
        break;
      case OPCODE_PONG:
        events.push({ type: 'pong' });
        break;
      case OPCODE_CLOSE: {
        if (length === 1) return fail(events, CLOSE_PROTOCOL_ERROR, 'close payload of one byte');
        const code = length >= 2 ? payload.readUInt16BE(0) : undefined;
        if (code !== undefined && !validCloseCode(code)) return fail(events, CLOSE_PROTOCOL_ERROR, `invalid close code ${code}`);
        events.push({ type: 'close', code });
        return events;
      }
      default:
        return fail(events, CLOSE_PROTOCOL_ERROR, `unknown opcode ${opcode}`);
    }
  }
  if (pos < buf.length) state.pending = Buffer.from(buf.subarray(pos));
  return events;
}

function fail(events: FrameEvent[], code: number, reason: string): FrameEvent[] {
  events.push({ type: 'error', code, reason });
  return events;
}

function totalLength(parts: Buffer[]): number {
  let n = -1; // the first part is the opcode marker
  for (const part of parts) n += part.length;
  return n;
}

function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

/** Allocates a final frame of `opcode` for a payload of `length` bytes and writes its header; returns the frame and where the payload goes. */
function frameWithHeader(opcode: number, length: number, extra = 0): { frame: Buffer; header: number } {
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + extra + length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  return { frame, header };
}

/** One unfragmented frame. Servers send unmasked; pass `mask` (4 bytes) to build a client frame (tests). */
export function encodeFrame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const length = payload.length;
  const { frame, header } = frameWithHeader(opcode, length, mask ? 4 : 0);
  if (mask) {
    frame[1] |= 0x80;
    mask.copy(frame, header);
    for (let i = 0; i < length; i++) frame[header + 4 + i] = payload[i] ^ mask[i & 3];
  } else {
    payload.copy(frame, header);
  }
  return frame;
}

/** A text frame written straight from a string (one allocation). */
export function encodeText(text: string): Buffer {
  const { frame, header } = frameWithHeader(OPCODE_TEXT, Buffer.byteLength(text, 'utf8'));
  frame.write(text, header, 'utf8');
  return frame;
}

export function encodeClose(code: number): Buffer {
  const payload = Buffer.allocUnsafe(2);
  payload.writeUInt16BE(code, 0);
  return encodeFrame(OPCODE_CLOSE, payload);
}
