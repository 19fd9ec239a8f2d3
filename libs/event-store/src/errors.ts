/** Typed store errors: each carries a stable `code` that the HTTP layer maps in one place. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

export class ConcurrencyError extends EventStoreError {
  readonly code = 'wrong-expected-version';
  constructor(readonly stream: string, readonly expected: string | number, readonly actual: number) {
    super(`stream ${stream} is at version ${actual}, expected ${expected}`);
  }
}

export class DuplicateEventError extends EventStoreError {
  readonly code = 'duplicate-event-id';
  constructor(readonly eventId: string) {
    super(`event ${eventId} is already in the log`);
  }
}

/** The database file is not a database, is truncated, or fails its integrity check. */
export class CorruptStoreError extends EventStoreError {
  readonly code = 'store-corrupt';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

export class StoreClosedError extends EventStoreError {
  readonly code = 'store-closed';
  constructor() {
    super('the event store is closed');
  }
}
