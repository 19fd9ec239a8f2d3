/** A probe of a friend succeeded: a friend that was down may be back (delivery retries it at once). */
export class FriendReachable {
  constructor(readonly actor: string) {}
}
