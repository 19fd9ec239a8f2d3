import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'ViewerSession', description: 'A short-lived viewer session.' })
export class ViewerSessionOpenApi {
  @ApiProperty({ description: 'Send it as X-Viewer-Session.', example: '0193c3c0-7a1e-4d2b-9e55-3f1c2a9b8d71.1796640000.Q2hhbmdlIG1lIQ…' })
  token!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

class IceServerOpenApi {
  @ApiProperty({ type: [String], example: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'] })
  urls!: string[];

  @ApiProperty({ required: false, description: 'TURN only: `<expiry unix seconds>:<session id>`.' })
  username?: string;

  @ApiProperty({ required: false, description: 'TURN only: base64(HMAC-SHA1(shared secret, username)).' })
  credential?: string;
}

@ApiSchema({ name: 'IceServers', description: 'RTCConfiguration.iceServers for a viewer.' })
export class IceServersOpenApi {
  @ApiProperty({ type: [IceServerOpenApi] })
  iceServers!: IceServerOpenApi[];

  @ApiProperty({ format: 'date-time', description: 'When the TURN credentials (and the session) end.' })
  expiresAt!: string;
}
