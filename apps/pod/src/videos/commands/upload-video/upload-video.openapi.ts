import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { DESCRIPTION_MAX, NAME_MAX, NAME_MIN, TAG_MAX, TAG_MIN, TAGS_MAX } from '../../domain/video-fields.js';

/** The multipart form of POST /api/v1/videos/upload (receive-upload.ts, video-fields.ts). */
@ApiSchema({ name: 'VideoUploadForm' })
export class UploadVideoFormOpenApi {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The video file, one per upload, sent as video/* (or application/octet-stream); ffprobe decides whether it is a video. At most the pod\'s upload limit.' })
  videofile!: unknown;

  @ApiProperty({ minLength: NAME_MIN, maxLength: NAME_MAX, description: 'One line; trimmed.' })
  name!: string;

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX, description: 'Tabs and line breaks allowed; trimmed. Default empty.' })
  description?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', minLength: TAG_MIN, maxLength: TAG_MAX },
    maxItems: TAGS_MAX,
    description: 'One part per tag (`tags` or `tags[]`, repeated); exact duplicates are dropped.',
  })
  tags?: string[];
}

@ApiSchema({ name: 'VideoUploaded' })
export class UploadedVideoOpenApi {
  @ApiProperty({ format: 'uuid', description: 'The new video: GET /api/v1/videos/{uuid} follows its processing.' })
  uuid!: string;
}
