import { Body, Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { POD_RUNTIME } from '../pod-runtime.token.js';
import type { PodRuntime } from '../pod-runtime.js';
import { AdminGuard } from '../users/admin.guard.js';
import type { MakeFriendsReport, PodView } from '../../../../libs/contracts/src/api/rest-types.js';
import { ProblemError } from '../http/problem.js';
import { ApiProblems } from '../http/problem.openapi.js';
import { MakeFriendsBodyOpenApi, MakeFriendsReportOpenApi, PodViewOpenApi, QuitFriendsReportOpenApi } from './membership.openapi.js';

/** The network as this pod sees it, and the admin's make-friends and quit-friends. */
@ApiTags('pods')
@Controller('api/v1/pods')
export class PodsHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get()
  @ApiOperation({ summary: 'The other pods of the network, as this pod sees them' })
  @ApiOkResponse({ description: 'Every pod this pod knows but itself, by host.', type: [PodViewOpenApi] })
  list(): Promise<PodView[]> {
    return this.runtime.federation.membership.listPods();
  }

  @Post('make-friends')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Make friends (admin)', description: 'Asks the seeds (the body\'s hosts, else the config\'s) for their members, keeps the hosts more than half of the answers name, and asks each to be friends.' })
  @ApiBearerAuth()
  @ApiBody({ type: MakeFriendsBodyOpenApi, required: false })
  @ApiOkResponse({ description: 'What was asked and answered.', type: MakeFriendsReportOpenApi })
  @ApiProblems('unauthorized', 'forbidden', 'invalid-body', 'malformed-json', 'payload-too-large', 'peer-unreachable')
  makeFriends(@Body() body: unknown): Promise<MakeFriendsReport> {
    if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      throw new ProblemError('invalid-body', 'the body, when given, is {"hosts": ["host:port", …]}');
    }
    return this.runtime.federation.membership.makeFriends((body as { hosts?: unknown } | undefined)?.hosts);
  }

  @Post('quit-friends')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Quit friends (admin)', description: 'Ends every friendship of this pod.' })
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'The friendships ended.', type: QuitFriendsReportOpenApi })
  @ApiProblems('unauthorized', 'forbidden')
  quitFriends(): Promise<{ left: string[] }> {
    return this.runtime.federation.membership.quitFriends();
  }
}
