/** One delivery request to a friend's inbox succeeded or failed (DeliveryService). The health scores count these. */
export class DeliveryAttempted {
  constructor(
    readonly actor: string,
    readonly outcome: { ok: true } | { ok: false; error: unknown },
  ) {}
}
