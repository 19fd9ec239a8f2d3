import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ReceiveActivitiesCommand } from './receive-activities.command.js';
import type { InboxResult } from './receive-activities.js';
import { ApiProblems } from '../../http/problem.openapi.js';
import { ACTIVITY_SCHEMA, InboxResultOpenApi } from '../federation.openapi.js';

/** `POST /federation/inbox`: signed activities from other pods, each carrying signed events. */
@ApiTags('federation')
@Controller('federation/inbox')
export class InboxHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Signed activities from other pods', description: 'HTTP-signed, with a digest of the exact body, by a member of the network, or by a pod asking to join. Each activity carries signed events; each event is checked on its own (origin, proof, schema, chain).' })
  @ApiSecurity('httpSignature')
  @ApiConsumes('application/activity+json', 'application/ld+json', 'application/json')
  @ApiBody({ schema: ACTIVITY_SCHEMA })
  @ApiAcceptedResponse({ description: 'Read: how many events were taken, already held, or refused (and why).', type: InboxResultOpenApi })
  @ApiProblems('unsupported-media-type', 'invalid-signature', 'not-a-member', 'pod-expelled', 'forbidden', 'replayed-request', 'invalid-body', 'malformed-json', 'too-many-activities', 'payload-too-large', 'peer-unreachable')
  receive(@Req() request: Request & { rawBody?: Buffer }): Promise<InboxResult> {
    return this.commands.execute(new ReceiveActivitiesCommand({
      method: request.method,
      url: request.originalUrl,
      headers: request.headers,
      rawBody: request.rawBody,
      body: request.body,
    }));
  }
}
