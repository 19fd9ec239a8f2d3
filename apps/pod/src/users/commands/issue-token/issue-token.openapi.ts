import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'TokenRequest', description: 'OAuth 2 password grant, as JSON or a form.' })
export class IssueTokenBodyOpenApi {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'root' })
  username!: string;

  @ApiProperty({ minLength: 1, maxLength: 1000, format: 'password' })
  password!: string;

  @ApiPropertyOptional({ enum: ['password'], description: 'Only the password grant: no refresh tokens.' })
  grant_type?: 'password';

  @ApiPropertyOptional({ description: 'Ignored: this pod has one client, itself.' })
  client_id?: string;

  @ApiPropertyOptional({ description: 'Ignored.' })
  client_secret?: string;
}
