/** One delivery request to a friend's inbox succeeded or failed (DeliveryService). The health scores count these; /metrics times them. */
export class DeliveryAttempted {
  constructor(
    readonly actor: string,
    readonly outcome: { ok: true } | { ok: false; error: unknown },
    /** The request's duration, and when each event it delivered was recorded (/metrics: delivery latency). */
    readonly timing: { seconds: number; acknowledged: readonly string[] } = { seconds: 0, acknowledged: [] },
  ) {}
}
