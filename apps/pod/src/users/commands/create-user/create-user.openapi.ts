import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PASSWORD_SCHEMA, USERNAME_SCHEMA } from '../../local-accounts.openapi.js';
import { ROLES, type Role } from '../../local-accounts.js';
import type { CreateUserRequest } from './create-user.request.dto.js';

@ApiSchema({ name: 'CreateUser' })
export class CreateUserBodyOpenApi implements CreateUserRequest {
  @ApiProperty(USERNAME_SCHEMA)
  username!: string;

  @ApiProperty(PASSWORD_SCHEMA)
  password!: string;

  @ApiProperty({ enum: [...ROLES], description: 'No moderators here: PeerTube\'s numeric roles are not taken.' })
  role!: Role;
}
