import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ProblemError, type ProblemCode } from '../../../http/problem.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { AdminGuard } from '../../../users/admin.guard.js';
import { GetBallotQuery } from '../../queries/get-ballot/get-ballot.query.js';
import { CastVoteCommand } from './cast-vote.command.js';
import type { BallotView, VoteAnswer } from './pod-votes.js';
import { WithdrawVoteCommand } from './withdraw-vote.command.js';
import { BallotOpenApi, CastVoteBodyOpenApi, VoteAnswerOpenApi } from './votes.openapi.js';

const HOST_PARAM = { name: 'host', description: 'The pod voted on, `host[:port]`.', schema: { type: 'string' as const, example: 'pod2.example:9002' } };
const CAST_PROBLEMS: ProblemCode[] = ['unauthorized', 'forbidden', 'invalid-host', 'invalid-body', 'malformed-json', 'payload-too-large', 'unknown-pod', 'vote-on-self', 'not-in-network', 'already-voted'];
const WITHDRAW_PROBLEMS: ProblemCode[] = ['unauthorized', 'forbidden', 'invalid-host', 'unknown-pod', 'vote-on-self', 'not-voted'];

/** The body of a vote: `{reason}` or nothing; anything else is a 400 invalid-body. */
function reasonOf(body: unknown): unknown {
  if (body === undefined) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ProblemError('invalid-body', 'the body, when given, is {"reason": "…"}');
  const extra = Object.keys(body).filter((key) => key !== 'reason');
  if (extra.length > 0) throw new ProblemError('invalid-body', `unknown field(s): ${extra.slice(0, 5).join(', ').slice(0, 200)}`);
  return (body as { reason?: unknown }).reason;
}

/**
 * Votes on the membership of another pod (docs/protocol.md, "Membership"): an admin casts or withdraws
 * this pod's vote to expel a member, or to readmit an expelled pod. Each is a signed event
 * replicated to every member; the vote that completes a quorum comes with its outcome record.
 */
@ApiTags('pods')
@Controller('api/v1/pods/:host')
export class VotesHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('votes')
  @ApiOperation({ summary: 'The open motion on a pod, and its votes', description: 'Its expulsion while it is a member, its readmission while it is expelled; who voted, how many votes count and how many are needed.' })
  @ApiParam(HOST_PARAM)
  @ApiOkResponse({ description: 'The ballot as this pod sees it.', type: BallotOpenApi })
  @ApiProblems('invalid-host')
  ballot(@Param('host') host: string): Promise<BallotView> {
    return this.queries.execute(new GetBallotQuery(host));
  }

  @Post('expulsion-votes')
  @HttpCode(201)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Vote to expel a pod (admin)', description: 'Appends ExpulsionVoteCast. When more than half of the active members other than the pod have voted, PodExpelled is recorded with it: no deliveries to or from the pod, its videos hidden.' })
  @ApiBearerAuth()
  @ApiParam(HOST_PARAM)
  @ApiBody({ type: CastVoteBodyOpenApi, required: false })
  @ApiCreatedResponse({ description: 'The vote, and the ballot after it.', type: VoteAnswerOpenApi })
  @ApiProblems(...CAST_PROBLEMS, 'target-not-active', 'already-expelled')
  castExpulsion(@Param('host') host: string, @Body() body: unknown): Promise<VoteAnswer> {
    return this.commands.execute(new CastVoteCommand('expulsion', host, reasonOf(body)));
  }

  @Delete('expulsion-votes')
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Withdraw this pod\'s vote to expel a pod (admin)', description: 'Appends ExpulsionVoteWithdrawn; only before the quorum.' })
  @ApiBearerAuth()
  @ApiParam(HOST_PARAM)
  @ApiOkResponse({ description: 'The withdrawal, and the ballot after it.', type: VoteAnswerOpenApi })
  @ApiProblems(...WITHDRAW_PROBLEMS, 'already-expelled')
  withdrawExpulsion(@Param('host') host: string): Promise<VoteAnswer> {
    return this.commands.execute(new WithdrawVoteCommand('expulsion', host));
  }

  @Post('readmission-votes')
  @HttpCode(201)
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Vote to readmit an expelled pod (admin)', description: 'Appends ReadmissionVoteCast; at quorum (the same rule), PodReadmitted: the pod is a member again and catches up.' })
  @ApiBearerAuth()
  @ApiParam(HOST_PARAM)
  @ApiBody({ type: CastVoteBodyOpenApi, required: false })
  @ApiCreatedResponse({ description: 'The vote, and the ballot after it.', type: VoteAnswerOpenApi })
  @ApiProblems(...CAST_PROBLEMS, 'not-expelled')
  castReadmission(@Param('host') host: string, @Body() body: unknown): Promise<VoteAnswer> {
    return this.commands.execute(new CastVoteCommand('readmission', host, reasonOf(body)));
  }

  @Delete('readmission-votes')
  @UseGuards(AdminGuard)
  @ApiOperation({ summary: 'Withdraw this pod\'s vote to readmit a pod (admin)', description: 'Appends ReadmissionVoteWithdrawn; only before the quorum.' })
  @ApiBearerAuth()
  @ApiParam(HOST_PARAM)
  @ApiOkResponse({ description: 'The withdrawal, and the ballot after it.', type: VoteAnswerOpenApi })
  @ApiProblems(...WITHDRAW_PROBLEMS, 'not-expelled')
  withdrawReadmission(@Param('host') host: string): Promise<VoteAnswer> {
    return this.commands.execute(new WithdrawVoteCommand('readmission', host));
  }
}
