import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { POD_RUNTIME } from '../../pod-runtime.token.js';
import type { PodRuntime } from '../../pod-runtime.js';
import type { InboxResult } from './receive-activities.js';

/** `POST /federation/inbox`: signed activities from other pods, each carrying signed events. */
@Controller('federation/inbox')
export class InboxHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Post()
  @HttpCode(202)
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
