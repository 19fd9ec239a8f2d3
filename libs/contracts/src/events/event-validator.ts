import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { readEventSchemaFiles, type EventSchemaFiles } from './event-schema-files.js';
import { dataRuleProblem, envelopeRuleProblem, type RuleEnvelope } from './event-rules.js';
import { describeError } from './validation-message.js';

export type ValidationCode = 'unknown-event-type' | 'schema-invalid' | 'envelope-invalid';

export type Validation = { ok: true } | { ok: false; code: ValidationCode; message: string };

export interface EventCatalog {
  validateEnvelope(value: unknown): Validation;
  validateEventData(type: unknown, schemaVersion: unknown, data: unknown): Validation;
  /** Every type with its known versions, ascending. */
  versions(): ReadonlyMap<string, readonly number[]>;
}

const OK: Validation = { ok: true };
const MAX_MESSAGE = 300;

function fail(code: ValidationCode, message: string): Validation {
  return { ok: false, code, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message };
}

function firstError(validate: ValidateFunction, prefix: string): string {
  const error = validate.errors?.[0];
  if (error === undefined) return `${prefix || 'value'}: invalid`;
  // The chain rule lives in if/then/else, whose raw error ("must be string") hides the reason.
  if (prefix === '' && error.instancePath === '/prevHash' && error.keyword === 'type') {
    return 'prevHash: must be null exactly when originSeq is 1';
  }
  return describeError(error, prefix);
}

function schemaKey(type: string, version: number): string {
  return `${type}/v${version}`;
}

/** Compiles the catalogue; throws only when the published schemas themselves are broken. */
export function createEventCatalog(files: EventSchemaFiles = readEventSchemaFiles()): EventCatalog {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: false,
    // Inherited properties must neither satisfy `required` nor be iterated as extras.
    ownProperties: true,
    // Hostile input: patterns must never be compiled from data, and $data references stay off.
    $data: false,
  });
  ajvFormats.default(ajv, ['date-time']);
  ajv.addSchema(files.common);
  const envelopeSchema = ajv.compile(files.envelope);
  const dataSchemas = new Map<string, ValidateFunction>();
  const versions = new Map<string, number[]>();
  for (const { type, version, schema } of files.events) {
    dataSchemas.set(schemaKey(type, version), ajv.compile(schema));
    versions.set(type, [...(versions.get(type) ?? []), version]);
  }

  function checkData(type: unknown, schemaVersion: unknown, data: unknown): Validation {
    if (typeof type !== 'string' || !versions.has(type)) {
      return fail('unknown-event-type', `type: unknown event type ${JSON.stringify(String(type).slice(0, 64))}`);
    }
    const validate = typeof schemaVersion === 'number' ? dataSchemas.get(schemaKey(type, schemaVersion)) : undefined;
    if (validate === undefined) {
      return fail('unknown-event-type', `schemaVersion: ${type} has no version ${String(schemaVersion).slice(0, 20)}`);
    }
    if (!validate(data)) return fail('schema-invalid', firstError(validate, 'data'));
    const problem = dataRuleProblem(type, schemaVersion as number, data as Record<string, unknown>);
    return problem === null ? OK : fail('schema-invalid', problem);
  }

  function checkEnvelope(value: unknown): Validation {
    if (!envelopeSchema(value)) return fail('envelope-invalid', firstError(envelopeSchema, ''));
    const envelope = value as RuleEnvelope;
    const data = checkData(envelope.type, envelope.schemaVersion, envelope.data);
    if (!data.ok) return data;
    const problem = envelopeRuleProblem(envelope);
    return problem === null ? OK : fail('envelope-invalid', problem);
  }

  // Getters, proxies and cycles can make any property read throw; a validator must not.
  function guarded(code: ValidationCode, run: () => Validation): Validation {
    try {
      return run();
    } catch (error) {
      return fail(code, `unreadable input: ${error instanceof Error ? error.message : 'error'}`);
    }
  }

  return {
    validateEnvelope: (value) => guarded('envelope-invalid', () => checkEnvelope(value)),
    validateEventData: (type, schemaVersion, data) => guarded('schema-invalid', () => checkData(type, schemaVersion, data)),
    versions: () => versions,
  };
}

let shared: EventCatalog | undefined;

/** The catalogue of events/, compiled on first use and kept for the life of the process. */
export function eventCatalog(): EventCatalog {
  shared ??= createEventCatalog();
  return shared;
}

/** Shape of the whole envelope, then its data against `<type>/v<schemaVersion>`, then the rules between them. */
export function validateEnvelope(value: unknown): Validation {
  return eventCatalog().validateEnvelope(value);
}

/** Data of a draft, before the log wraps it in an envelope. */
export function validateEventData(type: unknown, schemaVersion: unknown, data: unknown): Validation {
  return eventCatalog().validateEventData(type, schemaVersion, data);
}
