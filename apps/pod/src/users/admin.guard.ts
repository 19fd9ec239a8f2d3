import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemError } from '../http/problem.js';
import { POD_RUNTIME } from '../pod-runtime.token.js';
import type { PodRuntime } from '../pod-runtime.js';

/** Lets through requests with a valid bearer token of an admin; 401 without one, 403 for others. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '');
    if (!match) throw new ProblemError('unauthorized', 'this needs an admin: send Authorization: Bearer <token> from POST /api/v1/users/token');
    const session = await this.runtime.accounts.sessionFor(match[1]);
    if (!session) throw new ProblemError('unauthorized', 'the token is unknown or expired');
    if (session.role !== 'admin') throw new ProblemError('forbidden', 'this needs an admin');
    return true;
  }
}
