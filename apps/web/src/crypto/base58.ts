const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const INDEX = new Map([...ALPHABET].map((char, i) => [char, i]));

/** base58btc (Bitcoin's alphabet) to bytes; null when a character is not in the alphabet. */
export function decodeBase58(text: string): Uint8Array | null {
  // Each leading "1" is a leading zero byte.
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  const littleEndian: number[] = [];
  for (const char of text.slice(zeros)) {
    const digit = INDEX.get(char);
    if (digit === undefined) return null;
    let carry = digit;
    for (let i = 0; i < littleEndian.length; i++) {
      carry += littleEndian[i] * 58;
      littleEndian[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      littleEndian.push(carry & 0xff);
      carry >>= 8;
    }
  }
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...littleEndian.reverse()]);
}
