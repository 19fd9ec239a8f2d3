/** The inbox pulled the log of a pod asking to join, or failed to (ReceiveActivities). The health scores count it as a contact. */
export class JoiningPodPulled {
  constructor(
    readonly actor: string,
    readonly outcome: { ok: true } | { ok: false; error: unknown },
  ) {}
}
