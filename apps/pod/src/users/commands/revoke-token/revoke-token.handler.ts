import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LocalAccounts } from '../../local-accounts.js';
import { RevokeTokenCommand } from './revoke-token.command.js';

@CommandHandler(RevokeTokenCommand)
export class RevokeTokenHandler implements ICommandHandler<RevokeTokenCommand, void> {
  constructor(private readonly accounts: LocalAccounts) {}

  execute({ token }: RevokeTokenCommand): Promise<void> {
    return this.accounts.revoke(token);
  }
}
