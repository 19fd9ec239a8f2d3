import { CorruptStoreError, StoreClosedError } from '../errors.js';

function sqliteCode(error: unknown): string {
  return typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
}

export function isCorruptionError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

export function isUniqueViolationOn(error: unknown, column: string): boolean {
  return sqliteCode(error).startsWith('SQLITE_CONSTRAINT') && String((error as Error).message).includes(column);
}

/** Turns the driver's errors that callers can act on into the store's typed errors. */
export function toStoreError(error: unknown, path: string): unknown {
  if (isCorruptionError(error)) {
    return new CorruptStoreError(`${path} is damaged (${(error as Error).message}): restore it from a backup or replay the log from a peer`, error);
  }
  if (error instanceof TypeError && /database connection is not open/.test(error.message)) return new StoreClosedError();
  return error;
}
