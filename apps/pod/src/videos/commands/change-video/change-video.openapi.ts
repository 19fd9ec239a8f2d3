import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { DESCRIPTION_MAX, NAME_MAX, NAME_MIN, TAG_MAX, TAG_MIN, TAGS_MAX } from '../../domain/video-fields.js';
import type { VideoFields } from '../../domain/video-fields.js';

/** The JSON of PUT /api/v1/videos/{uuid}: any of the fields, at least one (video-fields.ts, partial). */
@ApiSchema({ name: 'VideoChange', description: 'At least one field; unknown fields are refused.' })
export class ChangeVideoBodyOpenApi implements Partial<VideoFields> {
  @ApiPropertyOptional({ minLength: NAME_MIN, maxLength: NAME_MAX, description: 'One line; trimmed.' })
  name?: string;

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX, description: 'Tabs and line breaks allowed; trimmed.' })
  description?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', minLength: TAG_MIN, maxLength: TAG_MAX }, maxItems: TAGS_MAX, description: 'Replaces the tags; exact duplicates are dropped.' })
  tags?: string[];
}
