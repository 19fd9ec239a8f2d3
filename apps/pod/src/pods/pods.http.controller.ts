import { Body, Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { POD_RUNTIME } from '../pod-runtime.token.js';
import type { PodRuntime } from '../pod-runtime.js';
import { AdminGuard } from '../users/admin.guard.js';
import type { MakeFriendsReport, PodView } from './membership.js';
import { ProblemError } from '../http/problem.js';

/** The network as this pod sees it, and the admin's make-friends and quit-friends. */
@Controller('api/v1/pods')
export class PodsHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get()
  list(): Promise<PodView[]> {
    return this.runtime.federation.membership.listPods();
  }

  @Post('make-friends')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  makeFriends(@Body() body: unknown): Promise<MakeFriendsReport> {
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw new ProblemError('invalid-body', 'the body, when given, is {"hosts": ["host:port", …]}');
    }
    return this.runtime.federation.membership.makeFriends((body as { hosts?: unknown } | undefined)?.hosts);
  }

  @Post('quit-friends')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  quitFriends(): Promise<{ left: string[] }> {
    return this.runtime.federation.membership.quitFriends();
  }
}
