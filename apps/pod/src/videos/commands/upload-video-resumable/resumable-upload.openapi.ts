import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { DESCRIPTION_MAX, NAME_MAX, NAME_MIN, TAG_MAX, TAG_MIN, TAGS_MAX } from '../../domain/video-fields.js';

/** The JSON body of POST /api/v1/videos/upload-resumable (PeerTube's init, with Swarmtube's fields). */
@ApiSchema({ name: 'ResumableUploadInit' })
export class ResumableUploadInitOpenApi {
  @ApiProperty({ minLength: NAME_MIN, maxLength: NAME_MAX, description: 'One line; trimmed.' })
  name!: string;

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX, description: 'Tabs and line breaks allowed; trimmed. Default empty.' })
  description?: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', minLength: TAG_MIN, maxLength: TAG_MAX }, maxItems: TAGS_MAX, description: 'Exact duplicates are dropped.' })
  tags?: string[];

  @ApiPropertyOptional({ maxLength: 255, description: "The file's name on the uploader's machine (PeerTube requires it; here it is optional)." })
  filename?: string;

  @ApiPropertyOptional({ type: 'integer', description: "PeerTube's channel: accepted and ignored (so are the other fields of PeerTube's upload: privacy, category, licence, language, nsfw, commentsEnabled, commentsPolicy, downloadEnabled, waitTranscoding, generateTranscription, support, originallyPublishedAt, scheduleUpdate, videoPasswords)." })
  channelId?: number;
}

@ApiSchema({ name: 'ResumableUploadState' })
export class ResumableUploadStateOpenApi {
  @ApiProperty({ description: 'The upload_id of the Location header.', example: '0f3c9a7e5b2d4c1a8e6f0b9d7c5a3e1f' })
  uploadId!: string;

  @ApiProperty({ type: 'integer', description: 'Bytes the pod holds: the next chunk starts there.' })
  offset!: number;

  @ApiProperty({ type: 'integer', description: 'The size declared in X-Upload-Content-Length.' })
  size!: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'On the POST: when the upload is removed if no chunk arrives (each chunk moves it; uploads.resumableExpirySeconds).' })
  expiresAt?: string;
}

@ApiSchema({ name: 'ResumableUploadDone' })
export class ResumableUploadDoneOpenApi {
  @ApiProperty({ format: 'uuid', description: 'The new video: GET /api/v1/videos/{uuid} follows its processing.' })
  uuid!: string;

  @ApiProperty({ description: "PeerTube's shape of the same answer: `{video: {uuid}}`.", type: 'object', properties: { uuid: { type: 'string', format: 'uuid' } } })
  video!: { uuid: string };
}
