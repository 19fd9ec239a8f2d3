import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ProblemError } from '../../../http/problem.js';
import { LocalAccounts, type Account } from '../../local-accounts.js';
import { CreateUserCommand } from './create-user.command.js';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand, Account> {
  constructor(private readonly accounts: LocalAccounts) {}

  async execute({ username, password, role }: CreateUserCommand): Promise<Account> {
    const created = await this.accounts.createAccount({ username, password, role });
    if (created === 'taken') throw new ProblemError('username-taken', `the username "${username}" is taken`);
    return created;
  }
}
