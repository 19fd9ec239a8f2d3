import { Query } from '@nestjs/cqrs';
import type { IceServer } from '../../ice-servers.js';

/** The ICE servers for a viewer session's WebRTC: STUN, and TURN with credentials minted for the session. */
export class GetIceServersQuery extends Query<{ iceServers: IceServer[]; expiresAt: string }> {
  constructor(readonly token: unknown) {
    super();
  }
}
