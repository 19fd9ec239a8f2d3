import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PASSWORD_MAX, PASSWORD_MIN } from './domain/account-fields.js';
import { ROLES, type Account, type IssuedToken, type Role } from './local-accounts.js';

/** The OpenAPI shapes of local-accounts.ts and of the account fields every users route reads. */

export const USERNAME_SCHEMA = { pattern: '^[a-z0-9._]{1,50}$', minLength: 1, maxLength: 50, example: 'alice', description: 'PeerTube\'s rules: lowercase a-z, digits, dots and underscores.' };
export const PASSWORD_SCHEMA = { minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password', description: `${PASSWORD_MIN} to ${PASSWORD_MAX} characters (code points).` };

@ApiSchema({ name: 'Account' })
export class AccountOpenApi implements Account {
  @ApiProperty(USERNAME_SCHEMA)
  username!: string;

  @ApiProperty({ enum: [...ROLES] })
  role!: Role;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

@ApiSchema({ name: 'Token', description: 'OAuth 2 password grant answer, as PeerTube clients read it.' })
export class IssuedTokenOpenApi implements IssuedToken {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <access_token>`.', example: 'q0v8hXz2mJk1b3Jd9pQ4sT6uV7wY8zA0bC1dE2fG3hI' })
  access_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ type: 'integer', description: 'Seconds the token lives (24 hours).', example: 86400 })
  expires_in!: number;
}
