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

/** A caller passed something the store cannot take (bad draft, stream name, limit, …); nothing changed. */
export class InvalidStoreInputError extends EventStoreError {
  readonly code = 'store-invalid-input';
  constructor(message: string) {
    super(message);
  }
}

/** The store's configuration is unusable (unknown database URL, bad schema name). */
export class StoreConfigError extends EventStoreError {
  readonly code = 'store-config-invalid';
  constructor(message: string) {
    super(message);
  }
}

/** The database could not be reached or opened (PostgreSQL down, file not writable). */
export class StoreUnavailableError extends EventStoreError {
  readonly code = 'store-unavailable';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}
