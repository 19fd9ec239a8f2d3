import { Module } from '@nestjs/common';
import { POD_CONFIG } from '../config/config.tokens.js';
import type { PodConfig } from '../config/pod-config.js';
import { OpenViewerSessionHandler } from './commands/open-viewer-session/open-viewer-session.handler.js';
import { IceServersHttpController } from './ice-servers.http.controller.js';
import { ViewerSessions } from './ice-servers.js';
import { GetIceServersHandler } from './queries/get-ice-servers/get-ice-servers.handler.js';

/** Viewers' WebRTC across NATs: viewer sessions and the ICE servers (STUN, TURN credentials) they may use. */
@Module({
  controllers: [IceServersHttpController],
  providers: [
    { provide: ViewerSessions, inject: [POD_CONFIG], useFactory: (config: PodConfig) => new ViewerSessions(config.ice.credentialTtlSeconds) },
    OpenViewerSessionHandler,
    GetIceServersHandler,
  ],
})
export class P2pModule {}
