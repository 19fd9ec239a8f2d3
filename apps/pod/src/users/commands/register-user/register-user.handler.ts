import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ProblemError } from '../../../http/problem.js';
import { LocalAccounts } from '../../local-accounts.js';
import { RegisterUserCommand } from './register-user.command.js';

@CommandHandler(RegisterUserCommand)
export class RegisterUserHandler implements ICommandHandler<RegisterUserCommand, void> {
  constructor(private readonly accounts: LocalAccounts) {}

  async execute({ username, password }: RegisterUserCommand): Promise<void> {
    const created = await this.accounts.createAccount({ username, password, role: 'user' });
    if (created === 'taken') throw new ProblemError('username-taken', `the username "${username}" is taken`);
  }
}
