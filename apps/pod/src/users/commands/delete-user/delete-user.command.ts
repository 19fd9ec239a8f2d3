import { Command } from '@nestjs/cqrs';

/** An admin deletes an account; its tokens stop working at once, its name stays retired. */
export class DeleteUserCommand extends Command<void> {
  constructor(readonly username: string) {
    super();
  }
}
