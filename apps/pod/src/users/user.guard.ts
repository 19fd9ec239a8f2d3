import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { POD_RUNTIME } from '../pod-runtime.token.js';
import type { PodRuntime } from '../pod-runtime.js';
import { authenticate } from './bearer-auth.js';

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
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    await authenticate(http.getRequest<Request>(), http.getResponse<Response>(), this.runtime.accounts);
    return true;
  }
}
