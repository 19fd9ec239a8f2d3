import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ProblemError } from '../../../http/problem.js';
import { USERNAME_PATTERN } from '../../domain/account-fields.js';
import { LocalAccounts } from '../../local-accounts.js';
import { DeleteUserCommand } from './delete-user.command.js';

@CommandHandler(DeleteUserCommand)
export class DeleteUserHandler implements ICommandHandler<DeleteUserCommand, void> {
  constructor(private readonly accounts: LocalAccounts) {}

  async execute({ username }: DeleteUserCommand): Promise<void> {
    const result = USERNAME_PATTERN.test(username) ? await this.accounts.deleteAccount(username) : 'not-found';
    if (result === 'root') throw new ProblemError('forbidden', 'root is the pod\'s own admin and cannot be deleted');
    if (result === 'not-found') throw new ProblemError('not-found', 'no such account');
  }
}
