import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProblemError } from '../http/problem.js';
import { authenticate } from './bearer-auth.js';
import { LocalAccounts } from './local-accounts.js';

/**
 * Lets through requests with a valid bearer token of an admin; 401 without one, 403 for
 * others. Like UserGuard, it leaves the session for @CurrentSession().
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly accounts: LocalAccounts) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const response = http.getResponse<Response>();
    const session = await authenticate(http.getRequest<Request>(), response, this.accounts);
    if (session.role !== 'admin') {
      response.setHeader('WWW-Authenticate', 'Bearer realm="swarmtube", error="insufficient_scope"');
      throw new ProblemError('forbidden', 'this needs an admin');
    }
    return true;
  }
}
