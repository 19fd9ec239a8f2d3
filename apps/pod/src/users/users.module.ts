import { mkdirSync } from 'node:fs';
import { Module } from '@nestjs/common';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_CONFIG, POD_ENV } from '../config/config.tokens.js';
import type { PodConfig } from '../config/pod-config.js';
import { EventLogModule } from '../event-log/event-log.module.js';
import { EVENT_STORE } from '../event-log/event-log.tokens.js';
import { ADMIN_PASSWORD, ensureAdminPassword, type AdminPassword } from './admin-password.js';
import { AdminGuard } from './admin.guard.js';
import { CreateUserHandler } from './commands/create-user/create-user.handler.js';
import { CreateUserHttpController } from './commands/create-user/create-user.http.controller.js';
import { DeleteUserHandler } from './commands/delete-user/delete-user.handler.js';
import { DeleteUserHttpController } from './commands/delete-user/delete-user.http.controller.js';
import { IssueTokenHandler } from './commands/issue-token/issue-token.handler.js';
import { IssueTokenHttpController } from './commands/issue-token/issue-token.http.controller.js';
import { RegisterUserHandler } from './commands/register-user/register-user.handler.js';
import { RegisterUserHttpController } from './commands/register-user/register-user.http.controller.js';
import { RevokeTokenHandler } from './commands/revoke-token/revoke-token.handler.js';
import { RevokeTokenHttpController } from './commands/revoke-token/revoke-token.http.controller.js';
import { LocalAccounts } from './local-accounts.js';
import { GetMeHandler } from './queries/get-me/get-me.handler.js';
import { GetMeHttpController } from './queries/get-me/get-me.http.controller.js';
import { UserGuard } from './user.guard.js';

/** Local accounts: root and the others, their tokens, and the guards other contexts put on their routes. */
@Module({
  imports: [EventLogModule],
  controllers: [IssueTokenHttpController, RegisterUserHttpController, CreateUserHttpController, RevokeTokenHttpController, DeleteUserHttpController, GetMeHttpController],
  providers: [
    {
      provide: ADMIN_PASSWORD,
      inject: [POD_CONFIG, POD_ENV],
      useFactory: (config: PodConfig, env: NodeJS.ProcessEnv): AdminPassword => {
        mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
        return ensureAdminPassword(config.dataDir, env);
      },
    },
    {
      provide: LocalAccounts,
      inject: [EVENT_STORE, ADMIN_PASSWORD],
      useFactory: async (store: OpenedEventStore, admin: AdminPassword) => {
        const accounts = new LocalAccounts(store.readModels);
        await accounts.init(admin.password);
        return accounts;
      },
    },
    UserGuard,
    AdminGuard,
    IssueTokenHandler,
    RegisterUserHandler,
    CreateUserHandler,
    RevokeTokenHandler,
    DeleteUserHandler,
    GetMeHandler,
  ],
  exports: [LocalAccounts, ADMIN_PASSWORD, UserGuard, AdminGuard],
})
export class UsersModule {}
