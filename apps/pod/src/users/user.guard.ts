import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { authenticate } from './bearer-auth.js';
import { LocalAccounts } from './local-accounts.js';

/**
 * Lets through any logged-in account (admin or user); 401 `unauthorized` otherwise. For
 * endpoints that act as someone, e.g. upload, edit or delete a video:
 *
 *   @Post()
 *   @UseGuards(UserGuard)
 *   upload(@CurrentSession() session: Session) { … session.username, session.role … }
 *
 * (`import type { Session }`: decorated parameters need a type-only import under
 * emitDecoratorMetadata.) Whether this user may touch this video is the handler's call: the
 * guard only says who is asking. AdminGuard does the same and also requires role 'admin'.
 */
@Injectable()
export class UserGuard implements CanActivate {
  constructor(private readonly accounts: LocalAccounts) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    await authenticate(http.getRequest<Request>(), http.getResponse<Response>(), this.accounts);
    return true;
  }
}
