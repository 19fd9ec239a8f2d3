import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { FriendshipState, MakeFriendsReport, PodView } from '@swarmtube/contracts';

/** The OpenAPI shapes of membership.ts. */

@ApiSchema({ name: 'Pod', description: 'Another pod of the network, as this pod sees it.' })
export class PodViewOpenApi implements PodView {
  @ApiProperty({ example: 'pod2.example:9002' })
  host!: string;

  @ApiProperty({ format: 'uri', example: 'http://pod2.example:9002/federation/actor' })
  actor!: string;

  @ApiProperty({ enum: ['active', 'pending', 'left', 'expelled'], description: '`pending` until a friendship is accepted (and for every pod once this one has quit).' })
  status!: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 1000, example: 100, description: 'Its health as this pod sees it: 100 for a new friend, +10 per successful delivery or probe, -10 per failure. At or below health.threshold, this pod votes to expel it (health.autoVote).' })
  score!: number;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  joinedAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'Its last successful probe or delivery, or the last event about it, whichever is later.' })
  lastSeenAt!: string | null;

  @ApiProperty({
    enum: ['none', 'outgoing', 'incoming', 'accepted', 'ended'],
    description: 'This pod\'s own friendship with it: `outgoing` asked by this pod, `incoming` asked of this pod and waiting for an admin (friends.autoAccept off), `ended` quit, dropped or declined.',
  })
  friendship!: FriendshipState;
}

@ApiSchema({ name: 'MakeFriends' })
export class MakeFriendsBodyOpenApi {
  @ApiPropertyOptional({ type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 50, example: ['pod2.example:9002'], description: 'host[:port] of the seeds to ask; without it, the config\'s seeds.' })
  hosts?: string[];
}

@ApiSchema({ name: 'FailedHost' })
export class FailedHostOpenApi {
  @ApiProperty()
  host!: string;

  @ApiProperty()
  error!: string;
}

@ApiSchema({ name: 'MakeFriendsReport', description: 'The seeds asked and those that answered; the hosts more than half of the answers name (chosen) and those asked to be friends (requested).' })
export class MakeFriendsReportOpenApi implements MakeFriendsReport {
  @ApiProperty({ type: [String] })
  asked!: string[];

  @ApiProperty({ type: [String] })
  answered!: string[];

  @ApiProperty({ type: [String] })
  chosen!: string[];

  @ApiProperty({ type: [String] })
  requested!: string[];

  @ApiProperty({ type: () => [FailedHostOpenApi] })
  failed!: FailedHostOpenApi[];
}

@ApiSchema({ name: 'QuitFriendsReport' })
export class QuitFriendsReportOpenApi {
  @ApiProperty({ type: [String], description: 'The hosts whose friendship ended.' })
  left!: string[];
}
