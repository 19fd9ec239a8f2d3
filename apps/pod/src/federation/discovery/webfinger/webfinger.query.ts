import { Query } from '@nestjs/cqrs';

/** WebFinger: the JRD of `acct:pod@<host>` (or of the actor URL), with a `self` link to the actor. */
export class WebFingerQuery extends Query<Record<string, unknown>> {
  constructor(readonly resource: unknown) {
    super();
  }
}
