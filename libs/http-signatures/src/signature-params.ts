/**
 * The draft-cavage `Signature` header: `name="value"` or `name=123` pairs separated by
 * commas. A hand-written scanner instead of split(','): quoted values may hold commas,
 * and a duplicated parameter must be an error, not "the last one wins".
 */

/** Far above any real header (Mastodon's are about 600 bytes); stops quadratic work on garbage. */
export const MAX_SIGNATURE_HEADER_LENGTH = 16 * 1024;

export type ParsedParams = { ok: true; params: ReadonlyMap<string, string> } | { ok: false; detail: string };

const TOKEN_CHAR = /[A-Za-z0-9!#$%&'*+.^_`|~-]/;

export function parseSignatureParams(header: string): ParsedParams {
  if (header.length > MAX_SIGNATURE_HEADER_LENGTH) return { ok: false, detail: `Signature header longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters` };
  let text = header.trim();
  // Old Mastodon versions sent the Authorization-style prefix in the Signature header.
  if (/^signature\s+/i.test(text) && !/^signature\s*=/i.test(text)) text = text.replace(/^signature\s+/i, '');
  const params = new Map<string, string>();
  let i = 0;
  const skipSpaces = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  while (i < text.length) {
    skipSpaces();
    const nameStart = i;
    while (i < text.length && TOKEN_CHAR.test(text[i]!)) i++;
    const name = text.slice(nameStart, i);
    if (name === '') return { ok: false, detail: `expected a parameter name at offset ${nameStart}` };
    skipSpaces();
    if (text[i] !== '=') return { ok: false, detail: `expected '=' after ${name}` };
    i++;
    skipSpaces();
    let value: string;
    if (text[i] === '"') {
      i++;
      value = '';
      for (;;) {
        if (i >= text.length) return { ok: false, detail: `unterminated quoted value for ${name}` };
        const c = text[i]!;
        if (c === '"') break;
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
    } else {
      const valueStart = i;
      while (i < text.length && TOKEN_CHAR.test(text[i]!)) i++;
      value = text.slice(valueStart, i);
      if (value === '') return { ok: false, detail: `empty value for ${name}` };
    }
    if (params.has(name)) return { ok: false, detail: `parameter ${name} appears twice` };
    params.set(name, value);
    skipSpaces();
    if (i >= text.length) break;
    if (text[i] !== ',') return { ok: false, detail: `expected ',' after ${name}` };
    i++;
    skipSpaces();
    if (i >= text.length) return { ok: false, detail: 'trailing comma' };
  }
  if (params.size === 0) return { ok: false, detail: 'no parameters' };
  return { ok: true, params };
}

/** A value as a sender may place it inside quotes: nothing that would end or escape the string. */
export function isQuotable(value: string): boolean {
  return !/["\\\u0000-\u001f\u007f]/.test(value);
}
