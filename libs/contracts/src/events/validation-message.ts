import type { ErrorObject } from 'ajv';

/**
 * Turns Ajv's first error into a short message naming the field and the reason. Property
 * names in messages come from hostile input, so they are quoted and cut short.
 */

const MAX_NAME = 40;
/** Longer patterns (hosts, URLs) say nothing useful to a reader. */
const MAX_PATTERN = 60;

function quote(name: unknown): string {
  const text = JSON.stringify(String(name)) ?? '""';
  return text.length > MAX_NAME + 2 ? `${text.slice(0, MAX_NAME + 1)}…"` : text;
}

/** `/data/tags/5` under prefix `` → `data.tags[5]`. */
export function fieldPath(prefix: string, instancePath: string): string {
  let path = prefix;
  for (const raw of instancePath.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^[0-9]+$/.test(segment)) path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path === '' ? '(root)' : path;
}

export function describeError(error: ErrorObject, prefix: string): string {
  const path = fieldPath(prefix, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path}: unexpected property ${quote(params.additionalProperty)}`;
    case 'required':
      return `${path === '(root)' ? '' : `${path}.`}${String(params.missingProperty)}: missing`;
    case 'minProperties':
      return `${path}: must have at least ${String(params.limit)} fields`;
    case 'pattern': {
      const pattern = String(params.pattern);
      return pattern.length <= MAX_PATTERN ? `${path}: must match ${pattern}` : `${path}: malformed`;
    }
    case 'enum':
      return `${path}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${path}: must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return `${path}: ${error.message ?? error.keyword}`;
  }
}
