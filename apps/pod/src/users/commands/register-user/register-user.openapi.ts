import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { PASSWORD_SCHEMA, USERNAME_SCHEMA } from '../../local-accounts.openapi.js';
import type { RegisterUserRequest } from './register-user.request.dto.js';

@ApiSchema({ name: 'RegisterUser', description: 'Other fields PeerTube\'s sign-up form sends (displayName, channel) are ignored.' })
export class RegisterUserBodyOpenApi implements RegisterUserRequest {
  @ApiProperty(USERNAME_SCHEMA)
  username!: string;

  @ApiProperty(PASSWORD_SCHEMA)
  password!: string;

  @ApiPropertyOptional({ maxLength: 254, description: 'Checked for shape, not kept: the pod sends no mail.', example: 'alice@example.org' })
  email?: string;
}
