import { Query } from '@nestjs/cqrs';
import type { Account } from '../../local-accounts.js';

/** The account a session belongs to. */
export class GetMeQuery extends Query<Account> {
  constructor(readonly username: string) {
    super();
  }
}
