import type { EventSchemaFiles } from './event-schema-files.js';

/**
 * The most bytes any value valid against a schema can take once encoded as JSON (JCS or
 * JSON.stringify, UTF-8): how the protocol knows an event always fits in a request
 * (federation-limits.ts). A string costs its quotes and 6 bytes per character at most: JSON
 * escapes a control character or a lone surrogate as \uXXXX, and a character that JSON Schema
 * counts as one (a code point) takes at most 4 bytes in UTF-8. A schema that leaves a string,
 * an array, an object or a number unbounded has no bound: that throws, naming the place.
 */

type Schema = Record<string, unknown>;

const WORST_BYTES_PER_CHARACTER = 6;

export class UnboundedSchemaError extends Error {}

export function maxEncodedBytes(schema: unknown, resolve: (ref: string) => unknown, at = '#'): number {
  if (schema === true || schema === false || schema === null || typeof schema !== 'object') {
    throw new UnboundedSchemaError(`${at}: a schema that admits anything has no size bound`);
  }
  const s = schema as Schema;
  if (typeof s.$ref === 'string') return maxEncodedBytes(resolve(s.$ref), resolve, `${at} -> ${s.$ref}`);
  if ('const' in s) return Buffer.byteLength(JSON.stringify(s.const));
  if (Array.isArray(s.enum)) return Math.max(...s.enum.map((value) => Buffer.byteLength(JSON.stringify(value))));
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const branches = s[keyword];
    if (Array.isArray(branches)) return Math.max(...branches.map((branch, i) => maxEncodedBytes(branch, resolve, `${at}/${keyword}/${i}`)));
  }
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
  if (types.length === 0) throw new UnboundedSchemaError(`${at}: no type, const, enum, oneOf or $ref`);
  return Math.max(...types.map((type) => maxOfType(type, s, resolve, at)));
}

function maxOfType(type: string, s: Schema, resolve: (ref: string) => unknown, at: string): number {
  switch (type) {
    case 'null':
      return 4;
    case 'boolean':
      return 5;
    case 'integer': {
      if (typeof s.minimum !== 'number' || typeof s.maximum !== 'number') throw new UnboundedSchemaError(`${at}: an integer needs minimum and maximum`);
      return Math.max(String(s.minimum).length, String(s.maximum).length);
    }
    case 'string': {
      if (typeof s.maxLength !== 'number') throw new UnboundedSchemaError(`${at}: a string needs maxLength`);
      return 2 + WORST_BYTES_PER_CHARACTER * s.maxLength;
    }
    case 'array': {
      if (typeof s.maxItems !== 'number' || s.items === undefined) throw new UnboundedSchemaError(`${at}: an array needs maxItems and items`);
      const item = maxEncodedBytes(s.items, resolve, `${at}/items`);
      return 2 + s.maxItems * (item + 1);
    }
    case 'object': {
      if (s.additionalProperties !== false) throw new UnboundedSchemaError(`${at}: an object needs additionalProperties: false`);
      let bytes = 2;
      for (const [key, value] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
        // "key":value, (the last comma is one too many: an upper bound)
        bytes += Buffer.byteLength(JSON.stringify(key)) + 1 + maxEncodedBytes(value, resolve, `${at}/properties/${key}`) + 1;
      }
      return bytes;
    }
    default:
      throw new UnboundedSchemaError(`${at}: type ${type} has no size bound`);
  }
}

export interface EventSizeBound {
  type: string;
  version: number;
  /** The most the whole signed envelope of such an event can weigh, encoded. */
  bytes: number;
}

/** For every published type and version, the most its signed envelope can weigh, encoded. */
export function eventSizeBounds(files: EventSchemaFiles): EventSizeBound[] {
  const resolve = (ref: string): unknown => {
    const [file, pointer = ''] = ref.split('#');
    // Local references ('#/$defs/…') occur in common.schema.json only.
    if (file !== '' && !/(^|\/)common\.schema\.json$/.test(file)) throw new UnboundedSchemaError(`unknown $ref ${ref}`);
    let node: unknown = files.common;
    for (const part of pointer.split('/').filter(Boolean)) node = (node as Schema)[part];
    if (node === undefined) throw new UnboundedSchemaError(`unresolved $ref ${ref}`);
    return node;
  };
  const envelope = files.envelope as Schema;
  const envelopeProperties = envelope.properties as Schema;
  return files.events.map(({ type, version, schema }) => ({
    type,
    version,
    // The envelope with its `data` replaced by this type's schema, its type and version by their values.
    bytes: maxEncodedBytes(
      {
        ...envelope,
        properties: { ...envelopeProperties, type: { const: type }, schemaVersion: { const: version }, data: schema },
      },
      resolve,
      `${type}/v${version}`,
    ),
  }));
}
