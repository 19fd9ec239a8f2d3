import { Command } from '@nestjs/cqrs';
import type { Account, Role } from '../../local-accounts.js';

/** An admin makes an account, admin or user, whatever the signup switch says. */
export class CreateUserCommand extends Command<Account> {
  constructor(
    readonly username: string,
    readonly password: string,
    readonly role: Role,
  ) {
    super();
  }
}
