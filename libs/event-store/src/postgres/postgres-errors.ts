import { DuplicateEventError, StoreUnavailableError } from '../errors.js';

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

export function isConnectionError(error: unknown): boolean {
  const e = error as PgError;
  return CONNECTION_CODES.has(e?.code ?? '') || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e?.message ?? '');
}

/** Turns the driver's errors that callers can act on into the store's typed errors. */
export function toStoreError(error: unknown): unknown {
  const e = error as PgError;
  if (e?.code === '23505' && e.constraint === 'events_id_key') {
    const id = /\(id\)=\((.*)\) already exists/.exec(e.detail ?? '')?.[1] ?? 'unknown';
    return new DuplicateEventError(id);
  }
  if (isConnectionError(error)) return new StoreUnavailableError(`PostgreSQL is unreachable: ${e?.message ?? String(error)}`, error);
  return error;
}
