import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ProblemError } from '../../../http/problem.js';
import { LocalAccounts, type IssuedToken } from '../../local-accounts.js';
import { IssueTokenCommand } from './issue-token.command.js';

@CommandHandler(IssueTokenCommand)
export class IssueTokenHandler implements ICommandHandler<IssueTokenCommand, IssuedToken> {
  constructor(private readonly accounts: LocalAccounts) {}

  async execute({ username, password }: IssueTokenCommand): Promise<IssuedToken> {
    const token = await this.accounts.issueToken(username, password);
    if (!token) throw new ProblemError('invalid-credentials', 'wrong username or password');
    return token;
  }
}
