import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { POD_RUNTIME } from '../../pod-runtime.token.js';
import type { PodRuntime } from '../../pod-runtime.js';
import type { InboxResult } from './receive-activities.js';
import { ApiProblems } from '../../http/problem.openapi.js';
import { ACTIVITY_SCHEMA, InboxResultOpenApi } from '../federation.openapi.js';

/** `POST /federation/inbox`: signed activities from other pods, each carrying signed events. */
@ApiTags('federation')
@Controller('federation/inbox')
export class InboxHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Signed activities from other pods', description: 'HTTP-signed, with a digest of the exact body, by a member of the network, or by a pod asking to join. Each activity carries signed events; each event is checked on its own (origin, proof, schema, chain).' })
  @ApiSecurity('httpSignature')
  @ApiConsumes('application/activity+json', 'application/ld+json', 'application/json')
  @ApiBody({ schema: ACTIVITY_SCHEMA })
  @ApiAcceptedResponse({ description: 'Read: how many events were taken, already held, or refused (and why).', type: InboxResultOpenApi })
  @ApiProblems('unsupported-media-type', 'invalid-signature', 'not-a-member', 'pod-expelled', 'forbidden', 'replayed-request', 'invalid-body', 'malformed-json', 'too-many-activities', 'payload-too-large', 'peer-unreachable')
  receive(@Req() request: Request & { rawBody?: Buffer }): Promise<InboxResult> {
    return this.runtime.federation.inbox.handle({
      method: request.method,
      url: request.originalUrl,
      headers: request.headers,
      rawBody: request.rawBody,
      body: request.body,
    });
  }
}
