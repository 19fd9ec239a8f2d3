/** The pod's keys (libs/event-envelope keys.ts: PodKeys), loaded or made at start. */
export const POD_KEYS = Symbol('PodKeys');
/** The opened event store with its read-model database (libs/event-store: OpenedEventStore). */
export const EVENT_STORE = Symbol('EventStore');
/** This process's hold on the pod's data (migrations/data-lock.ts: DataLock), released after the store closes. */
export const DATA_LOCK = Symbol('DataLock');
