/**
 * Bencoding (BEP 3) with byte strings kept as bytes.
 *
 * Dictionary keys are raw byte strings, not text: a BEP 48 scrape answer is keyed by the
 * 20-byte info-hash, and a UTF-8 round trip would corrupt it (webtorrent/node-bencode#88).
 * So a dictionary is a Map whose keys are Buffers or latin1 strings (one char per byte),
 * and keys are sorted as raw bytes, as BEP 3 requires.
 */

export type BValue = number | bigint | string | Uint8Array | readonly BValue[] | BDict;
/** Keys: a Buffer, or a string taken byte for byte (latin1: each char code must be < 256). */
export type BDict = ReadonlyMap<string | Uint8Array, BValue> | { readonly [key: string]: BValue };

/** Text values (strings) are written as UTF-8; use a Buffer for binary values. */
export function bencode(value: BValue): Buffer {
  const parts: Buffer[] = [];
  write(value, parts);
  return Buffer.concat(parts);
}

function write(value: BValue, out: Buffer[]): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`bencode: ${value} is not a safe integer`);
    out.push(Buffer.from(`i${value}e`, 'latin1'));
  } else if (typeof value === 'bigint') {
    out.push(Buffer.from(`i${value}e`, 'latin1'));
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    out.push(Buffer.from(`${bytes.length}:`, 'latin1'), bytes);
  } else if (value instanceof Uint8Array) {
    out.push(Buffer.from(`${value.length}:`, 'latin1'), Buffer.from(value.buffer, value.byteOffset, value.length));
  } else if (Array.isArray(value)) {
    out.push(Buffer.from('l', 'latin1'));
    for (const item of value as readonly BValue[]) write(item, out);
    out.push(Buffer.from('e', 'latin1'));
  } else {
    const entries: Array<[Buffer, BValue]> = [];
    const source = value instanceof Map ? [...value.entries()] : Object.entries(value);
    for (const [key, item] of source as Array<[string | Uint8Array, BValue]>) {
      entries.push([typeof key === 'string' ? keyBytes(key) : Buffer.from(key), item]);
    }
    entries.sort((a, b) => Buffer.compare(a[0], b[0]));
    out.push(Buffer.from('d', 'latin1'));
    for (let i = 0; i < entries.length; i++) {
      const [key, item] = entries[i];
      if (i > 0 && key.equals(entries[i - 1][0])) throw new RangeError('bencode: duplicate dictionary key');
      out.push(Buffer.from(`${key.length}:`, 'latin1'), key);
      write(item, out);
    }
    out.push(Buffer.from('e', 'latin1'));
  }
}

/**
 * Object keys are ASCII words ("interval", "peer id"); Map string keys are latin1 byte
 * strings. A char above 0xFF cannot be a byte: refuse it rather than guess an encoding.
 */
function keyBytes(key: string): Buffer {
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) > 0xff) throw new RangeError('bencode: a dictionary key string must be bytes (latin1)');
  }
  return Buffer.from(key, 'latin1');
}

/** A decoded value: strings stay bytes (Buffer); dictionary keys are latin1 strings (one char per byte). */
export type Decoded = bigint | Buffer | Decoded[] | Map<string, Decoded>;

export type DecodeResult = { readonly ok: true; readonly value: Decoded } | { readonly ok: false; readonly reason: string };

/**
 * Strict decoder (canonical form only: sorted unique keys, no leading zeros, no -0), so
 * tests can check that what we send is exactly what BEP 3 describes. Never throws.
 */
export function bdecode(input: Uint8Array, maxDepth = 64): DecodeResult {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.length);
  let pos = 0;
  const fail = (reason: string): never => {
    throw new DecodeError(`${reason} at byte ${pos}`);
  };
  const readInt = (end: number): bigint => {
    const text = buf.toString('latin1', pos, end);
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) fail(`invalid integer ${JSON.stringify(text)}`);
    pos = end + 1;
    return BigInt(text);
  };
  const next = (depth: number): Decoded => {
    if (depth > maxDepth) fail('nesting too deep');
    if (pos >= buf.length) fail('unexpected end');
    const c = buf[pos];
    if (c === 0x69 /* i */) {
      pos++;
      const end = buf.indexOf(0x65 /* e */, pos);
      if (end < 0) fail('unterminated integer');
      return readInt(end);
    }
    if (c >= 0x30 && c <= 0x39) {
      const colon = buf.indexOf(0x3a /* : */, pos);
      if (colon < 0) fail('unterminated string length');
      const lengthText = buf.toString('latin1', pos, colon);
      if (!/^(0|[1-9][0-9]*)$/.test(lengthText)) fail(`invalid string length ${JSON.stringify(lengthText)}`);
      const length = Number(lengthText);
      const start = colon + 1;
      if (start + length > buf.length) fail('string runs past the end');
      pos = start + length;
      return Buffer.from(buf.subarray(start, pos));
    }
    if (c === 0x6c /* l */) {
      pos++;
      const list: Decoded[] = [];
      while (buf[pos] !== 0x65) {
        if (pos >= buf.length) fail('unterminated list');
        list.push(next(depth + 1));
      }
      pos++;
      return list;
    }
    if (c === 0x64 /* d */) {
      pos++;
      const dict = new Map<string, Decoded>();
      let previous: Buffer | null = null;
      while (buf[pos] !== 0x65) {
        if (pos >= buf.length) fail('unterminated dictionary');
        const key = next(depth + 1);
        if (!Buffer.isBuffer(key)) fail('dictionary key is not a string');
        const keyBuf = key as Buffer;
        if (previous && Buffer.compare(previous, keyBuf) >= 0) fail('dictionary keys not sorted or repeated');
        previous = keyBuf;
        dict.set(keyBuf.toString('latin1'), next(depth + 1));
      }
      pos++;
      return dict;
    }
    return fail(`unexpected byte 0x${c.toString(16)}`);
  };
  try {
    const value = next(0);
    if (pos !== buf.length) fail('trailing bytes');
    return { ok: true, value };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, reason: error.message };
    throw error;
  }
}

class DecodeError extends Error {}
