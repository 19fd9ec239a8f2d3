import { Command } from '@nestjs/cqrs';
import type { IssuedToken } from '../../local-accounts.js';

/** Log in with a password: a bearer token for 24 hours. */
export class IssueTokenCommand extends Command<IssuedToken> {
  constructor(
    readonly username: string,
    readonly password: string,
  ) {
    super();
  }
}
