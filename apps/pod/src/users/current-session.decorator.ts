import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { SESSION, type AuthenticatedRequest } from './bearer-auth.js';
import type { Session } from './local-accounts.js';

/**
 * The caller's {username, role}, as UserGuard or AdminGuard found it. Without one of those
 * guards on the route there is no session: that is a bug in the route, so it fails loudly
 * (500) instead of passing undefined on as an anonymous caller.
 */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext): Session => {
  const session = context.switchToHttp().getRequest<AuthenticatedRequest>()[SESSION];
  if (!session) throw new Error('@CurrentSession() on a route without @UseGuards(UserGuard) or @UseGuards(AdminGuard)');
  return session;
});
