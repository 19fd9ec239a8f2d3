import { Body, Controller, HttpCode, Inject, Ip, Post } from '@nestjs/common';
import { ProblemError } from '../../../http/problem.js';
import { POD_RUNTIME } from '../../../pod-runtime.token.js';
import type { PodRuntime } from '../../../pod-runtime.js';
import type { IssuedToken } from '../../local-accounts.js';
import { AttemptLimiter } from '../../attempt-limiter.js';

/** `POST /api/v1/users/token` with `{username, password}` as JSON or a form (OAuth's password grant). */
@Controller('api/v1/users/token')
export class IssueTokenHttpController {
  private readonly limiter = new AttemptLimiter({ attempts: 10, perSeconds: 60 });

  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Post()
  @HttpCode(200)
  async issue(@Body() body: unknown, @Ip() ip: string): Promise<IssuedToken> {
    if (!this.limiter.allow(ip)) throw new ProblemError('rate-limited', 'too many login attempts from this address; wait a minute');
    const { username, password } = (body ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string' || username.length === 0 || password.length === 0) {
      throw new ProblemError('invalid-body', 'username and password are required strings');
    }
    if (username.length > 100 || password.length > 1000) throw new ProblemError('invalid-body', 'username or password too long');
    const token = await this.runtime.accounts.issueToken(username, password);
    if (!token) throw new ProblemError('invalid-credentials', 'wrong username or password');
    return token;
  }
}
