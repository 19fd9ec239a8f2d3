/** The pod's keys (libs/event-envelope keys.ts: PodKeys), loaded or made at start. */
export const POD_KEYS = Symbol('PodKeys');
/** The opened event store with its read-model database (libs/event-store: OpenedEventStore). */
export const EVENT_STORE = Symbol('EventStore');
