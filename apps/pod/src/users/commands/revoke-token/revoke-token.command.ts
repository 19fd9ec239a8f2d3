import { Command } from '@nestjs/cqrs';

/** Log out: this token dies, the account's other tokens live on. */
export class RevokeTokenCommand extends Command<void> {
  constructor(readonly token: string) {
    super();
  }
}
