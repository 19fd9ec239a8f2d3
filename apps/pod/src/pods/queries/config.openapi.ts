import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { ConfigHttpController } from './config.http.controller.js';

@ApiSchema({ name: 'PodConfig', description: 'What a client needs to know of this pod.' })
export class PodConfigOpenApi implements ReturnType<ConfigHttpController['get']> {
  @ApiProperty({ description: 'Public host[:port].', example: 'localhost:9001' })
  host!: string;

  @ApiProperty({ description: 'Public URL, from which every URL of the pod derives (the actor is PUBLIC_URL/federation/actor).', example: 'https://video.example.org' })
  publicUrl!: string;

  @ApiProperty({ example: 'Pod 1' })
  name!: string;

  @ApiProperty({ description: 'Swarmtube version.', example: '0.1.0' })
  version!: string;

  @ApiProperty({ description: 'Whether POST /api/v1/users/register takes sign-ups.' })
  signup!: boolean;
}
