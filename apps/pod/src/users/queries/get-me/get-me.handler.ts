import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ProblemError } from '../../../http/problem.js';
import { LocalAccounts, type Account } from '../../local-accounts.js';
import { GetMeQuery } from './get-me.query.js';

@QueryHandler(GetMeQuery)
export class GetMeHandler implements IQueryHandler<GetMeQuery, Account> {
  constructor(private readonly accounts: LocalAccounts) {}

  async execute({ username }: GetMeQuery): Promise<Account> {
    const account = await this.accounts.account(username);
    // Deleted between the guard and here.
    if (!account) throw new ProblemError('unauthorized', 'this account no longer exists');
    return account;
  }
}
