import { Controller, Get, Headers, HttpCode, Inject, Ip, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ProblemError } from '../http/problem.js';
import { ApiProblems } from '../http/problem.openapi.js';
import { POD_RUNTIME } from '../pod-runtime.token.js';
import type { PodRuntime } from '../pod-runtime.js';
import { AttemptLimiter } from '../users/attempt-limiter.js';
import { iceServersFor, ViewerSessions, type IceServer } from './ice-servers.js';
import { IceServersOpenApi, ViewerSessionOpenApi } from './ice-servers.openapi.js';

export const VIEWER_SESSION_HEADER = 'x-viewer-session';

/**
 * The ICE servers a viewer's WebRTC uses (docs/protocol.md, "Viewers across NATs"): the page
 * first opens a short-lived viewer session, then asks for ICE servers with it and gets TURN
 * credentials minted for that session, never the shared secret. Sessions per address are
 * limited (trusted proxies give the address), so a script cannot mint credentials by the
 * thousand. Answers are never cached.
 */
@ApiTags('p2p')
@Controller('api/v1/p2p')
export class IceServersHttpController {
  private readonly sessions: ViewerSessions;
  private readonly limiter = new AttemptLimiter({ attempts: 30, perSeconds: 60 });

  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {
    this.sessions = new ViewerSessions(runtime.config.ice.credentialTtlSeconds);
  }

  @Post('viewer-sessions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Open a viewer session', description: 'A token for `GET /api/v1/p2p/ice-servers` (header `X-Viewer-Session`), valid `ice.credentialTtlSeconds`. At most 30 per address per minute.' })
  @ApiCreatedResponse({ description: 'The session.', type: ViewerSessionOpenApi })
  @ApiProblems('rate-limited')
  open(@Ip() ip: string, @Res({ passthrough: true }) response: Response): { token: string; expiresAt: string } {
    this.limiter.enforce(ip, response, 'too many viewer sessions from this address; wait a minute');
    response.setHeader('Cache-Control', 'no-store');
    const session = this.sessions.issue();
    return { token: session.token, expiresAt: new Date(session.expiresAtSeconds * 1000).toISOString() };
  }

  @Get('ice-servers')
  @ApiOperation({ summary: 'ICE servers for WebRTC', description: 'STUN URLs, and TURN URLs with a credential minted for the viewer session (TURN REST API: username `<expiry>:<session id>`), valid until the session ends.' })
  @ApiHeader({ name: 'X-Viewer-Session', required: true, description: 'The token of `POST /api/v1/p2p/viewer-sessions`.' })
  @ApiOkResponse({ description: 'RTCConfiguration.iceServers, and when the credentials end.', type: IceServersOpenApi })
  @ApiProblems('viewer-session-required', 'viewer-session-invalid', 'viewer-session-expired')
  iceServers(@Headers(VIEWER_SESSION_HEADER) token: unknown, @Res({ passthrough: true }) response: Response): { iceServers: IceServer[]; expiresAt: string } {
    response.setHeader('Cache-Control', 'no-store');
    const session = this.sessions.check(token);
    if (!session.ok) {
      const message = {
        'viewer-session-required': 'open a viewer session first (POST /api/v1/p2p/viewer-sessions) and send its token in X-Viewer-Session',
        'viewer-session-invalid': 'this viewer session is not one this pod opened (or the pod restarted since): open another',
        'viewer-session-expired': 'this viewer session has expired: open another',
      }[session.code];
      throw new ProblemError(session.code, message);
    }
    return { iceServers: iceServersFor(this.runtime.config.ice, session.id, session.expiresAtSeconds), expiresAt: new Date(session.expiresAtSeconds * 1000).toISOString() };
  }
}
