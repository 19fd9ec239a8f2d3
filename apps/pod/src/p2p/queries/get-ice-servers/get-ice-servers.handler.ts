import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { ProblemError } from '../../../http/problem.js';
import { iceServersFor, ViewerSessions, type IceServer } from '../../ice-servers.js';
import { GetIceServersQuery } from './get-ice-servers.query.js';

@QueryHandler(GetIceServersQuery)
export class GetIceServersHandler implements IQueryHandler<GetIceServersQuery, { iceServers: IceServer[]; expiresAt: string }> {
  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    private readonly sessions: ViewerSessions,
  ) {}

  async execute({ token }: GetIceServersQuery): Promise<{ iceServers: IceServer[]; expiresAt: string }> {
    const session = this.sessions.check(token);
    if (!session.ok) {
      const message = {
        'viewer-session-required': 'open a viewer session first (POST /api/v1/p2p/viewer-sessions) and send its token in X-Viewer-Session',
        'viewer-session-invalid': 'this viewer session is not one this pod opened (or the pod restarted since): open another',
        'viewer-session-expired': 'this viewer session has expired: open another',
      }[session.code];
      throw new ProblemError(session.code, message);
    }
    return { iceServers: iceServersFor(this.config.ice, session.id, session.expiresAtSeconds), expiresAt: new Date(session.expiresAtSeconds * 1000).toISOString() };
  }
}
