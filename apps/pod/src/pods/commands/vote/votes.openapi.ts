import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { BallotView, BallotVoteView, VoteAnswer } from './pod-votes.js';

/** The OpenAPI shapes of pod-votes.ts. */

@ApiSchema({ name: 'CastVote', description: 'Why this pod votes, for the other admins.' })
export class CastVoteBodyOpenApi {
  @ApiPropertyOptional({ maxLength: 1000, default: '', example: 'Down since Monday; probes fail.', description: 'Up to 1,000 characters; no control characters but tab and line breaks.' })
  reason?: string;
}

@ApiSchema({ name: 'BallotVote' })
export class BallotVoteOpenApi implements BallotVoteView {
  @ApiProperty({ example: 'pod1.example:9001' })
  host!: string;

  @ApiProperty({ format: 'uri' })
  voter!: string;

  @ApiProperty({ description: 'The id of the vote event.', example: 'urn:uuid:01a21720-b8a6-7bbb-b864-5305ce839a5e' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ description: 'Cast by an active member other than the target: it counts towards the quorum.' })
  counted!: boolean;
}

@ApiSchema({ name: 'Ballot', description: 'The open motion on a pod as this pod sees it: its expulsion while it is a member, its readmission while it is expelled.' })
export class BallotOpenApi implements BallotView {
  @ApiProperty({ example: 'pod2.example:9002' })
  host!: string;

  @ApiProperty({ format: 'uri' })
  actor!: string;

  @ApiProperty({ enum: ['active', 'known', 'left', 'expelled', 'unknown'], description: 'The pod\'s status in this pod\'s read model.' })
  status!: string;

  @ApiProperty({ enum: ['expulsion', 'readmission'] })
  motion!: 'expulsion' | 'readmission';

  @ApiProperty({ type: 'integer', description: 'The active members other than the target.' })
  electorate!: number;

  @ApiProperty({ type: 'integer', description: 'Votes needed: more than half of the electorate.' })
  needed!: number;

  @ApiProperty({ type: () => [BallotVoteOpenApi] })
  votes!: BallotVoteOpenApi[];

  @ApiProperty({ type: [String], description: 'The outcome records (PodExpelled or PodReadmitted ids) of the current state.' })
  records!: string[];
}

@ApiSchema({ name: 'VoteAnswer' })
export class VoteAnswerOpenApi implements VoteAnswer {
  @ApiProperty({ description: 'The id of the vote event appended (cast or withdrawn).' })
  event!: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'The outcome record appended with the vote, when it completed the quorum.' })
  recorded!: string | null;

  @ApiProperty({ type: () => BallotOpenApi })
  ballot!: BallotOpenApi;
}
