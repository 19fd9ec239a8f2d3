import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { POD_RUNTIME } from '../pod-runtime.token.js';
import type { PodRuntime } from '../pod-runtime.js';
import { AdminGuard } from '../users/admin.guard.js';
import type { MakeFriendsReport, PodView, QuitFriendsReport } from '../../../../libs/contracts/src/api/rest-types.js';
import { ProblemError } from '../http/problem.js';
import { ApiProblems } from '../http/problem.openapi.js';
import { MakeFriendsBodyOpenApi, MakeFriendsReportOpenApi, PodViewOpenApi, QuitFriendsReportOpenApi } from './membership.openapi.js';

const HOST_PARAM = { name: 'host', description: 'The other pod, `host[:port]`.', schema: { type: 'string' as const, example: 'pod2.example:9002' } };

/** The network as this pod sees it, and the admin's friendships: make friends, answer requests, drop one, quit. */
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
  @ApiProblems('unauthorized', 'forbidden', 'invalid-body', 'insecure-peer', 'malformed-json', 'payload-too-large', 'peer-unreachable')
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
  quitFriends(): Promise<QuitFriendsReport> {
    return this.runtime.federation.membership.quitFriends();
  }

  @Post(':host/accept')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Accept a pod\'s friendship request (admin)', description: 'With friends.autoAccept off, requests wait for an admin. Appends FriendshipAccepted: the pod becomes a member.' })
  @ApiBearerAuth()
  @ApiParam(HOST_PARAM)
  @ApiOkResponse({ description: 'The pod, after the answer.', type: PodViewOpenApi })
  @ApiProblems('unauthorized', 'forbidden', 'invalid-host', 'already-expelled', 'no-friendship-request')
  accept(@Param('host') host: string): Promise<PodView> {
    return this.runtime.federation.membership.answerRequest(host, 'accept');
  }

  @Post(':host/reject')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Reject a pod\'s friendship request (admin)', description: 'Appends FriendshipEnded with reason `declined`; the pod may ask again.' })
  @ApiBearerAuth()
  @ApiParam(HOST_PARAM)
  @ApiOkResponse({ description: 'The pod, after the answer.', type: PodViewOpenApi })
  @ApiProblems('unauthorized', 'forbidden', 'invalid-host', 'already-expelled', 'no-friendship-request')
  reject(@Param('host') host: string): Promise<PodView> {
    return this.runtime.federation.membership.answerRequest(host, 'reject');
  }

  @Delete(':host/friendship')
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Drop one friend (admin)', description: 'Appends FriendshipEnded with reason `removed` (or withdraws this pod\'s own pending request).' })
  @ApiBearerAuth()
  @ApiParam(HOST_PARAM)
  @ApiOkResponse({ description: 'The pod, after the change.', type: PodViewOpenApi })
  @ApiProblems('unauthorized', 'forbidden', 'invalid-host', 'not-friends')
  removeFriend(@Param('host') host: string): Promise<PodView> {
    return this.runtime.federation.membership.removeFriend(host);
  }
}
