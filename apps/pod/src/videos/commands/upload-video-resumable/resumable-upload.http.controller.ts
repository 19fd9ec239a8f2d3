import { Controller, Delete, HttpCode, Inject, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { ProblemError } from '../../../http/problem.js';
import { CurrentSession } from '../../../users/current-session.decorator.js';
import type { Session } from '../../../users/local-accounts.js';
import { UserGuard } from '../../../users/user.guard.js';
import { UploadVideoCommand } from '../upload-video/upload-video.command.js';
import { heldRange } from './chunk-decision.js';
import { CancelResumableUploadCommand, StartResumableUploadCommand } from './resumable-upload.command.js';
import { ResumableUploadDoneOpenApi, ResumableUploadInitOpenApi, ResumableUploadStateOpenApi } from './resumable-upload.openapi.js';
import { ResumableUploads } from './resumable-uploads.js';

const PATH = 'api/v1/videos/upload-resumable';
const UPLOAD_ID = ApiQuery({ name: 'upload_id', required: true, type: 'string', description: 'From the Location of the POST.' });

/**
 * PeerTube's resumable upload (`POST` init, `PUT` chunks with Content-Range, `DELETE`), so
 * that PeerTube's clients and scripts work unchanged. Start and cancel are commands; a chunk
 * is streamed to disk by ResumableUploads (as receive-upload.ts streams a multipart body), and
 * the whole file enters the same video job as `POST /api/v1/videos/upload` (UploadVideoCommand).
 */
@ApiTags('videos')
@ApiExtraModels(ResumableUploadStateOpenApi)
@Controller(PATH)
export class ResumableUploadHttpController {
  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    private readonly uploads: ResumableUploads,
    private readonly commands: CommandBus,
  ) {}

  @Post()
  @HttpCode(201)
  @UseGuards(UserGuard)
  @ApiOperation({
    summary: 'Start a resumable upload',
    description: "PeerTube's resumable protocol. The size, type and the video's fields are checked before any byte is sent. The Location header is where the chunks go.",
  })
  @ApiBearerAuth()
  @ApiHeader({ name: 'X-Upload-Content-Length', required: true, description: "The file's size in bytes (at most uploads.maxBytes)." })
  @ApiHeader({ name: 'X-Upload-Content-Type', required: false, description: 'video/* or application/octet-stream (default).' })
  @ApiBody({ type: ResumableUploadInitOpenApi })
  @ApiCreatedResponse({
    description: 'Started: `Location` is `PUBLIC_URL/api/v1/videos/upload-resumable?upload_id=…`.',
    type: ResumableUploadStateOpenApi,
    headers: { Location: { description: 'Where to PUT the chunks.', schema: { type: 'string' } } },
  })
  @ApiProblems('unauthorized', 'invalid-body', 'malformed-json', 'empty-file', 'payload-too-large', 'unsupported-media-type', 'rate-limited', 'insufficient-storage')
  async start(@Req() req: Request, @Res({ passthrough: true }) res: Response, @CurrentSession() session: Session): Promise<ResumableUploadStateOpenApi> {
    const started = await this.commands.execute(new StartResumableUploadCommand(session, { size: req.headers['x-upload-content-length'], type: req.headers['x-upload-content-type'], body: req.body }));
    res.setHeader('Location', `${this.config.publicUrl}/${PATH}?upload_id=${started.id}`);
    return { uploadId: started.id, offset: 0, size: started.size, expiresAt: started.expiresAt };
  }

  @Put()
  @UseGuards(UserGuard)
  @ApiOperation({
    summary: 'Send a chunk of a resumable upload, or ask for its offset',
    description:
      '`Content-Range: bytes FIRST-LAST/SIZE` with `Content-Length` and the bytes (application/octet-stream), FIRST being the offset the pod holds; `Content-Range: bytes */SIZE` without a body asks for the offset. 308 `Range: bytes=0-LAST` (none while empty) until the last byte; then 200 with the new video, handed to the same processing as a multipart upload. The answer to the last chunk is kept (uploads.resumableExpirySeconds): asking again gives it again.',
  })
  @ApiBearerAuth()
  @UPLOAD_ID
  @ApiHeader({ name: 'Content-Range', required: true, description: '`bytes FIRST-LAST/SIZE`, or `bytes */SIZE` to ask for the offset.' })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ required: false, schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ description: 'The last byte arrived: the video is being processed.', type: ResumableUploadDoneOpenApi })
  @ApiResponse({
    status: 308,
    description: 'Resume Incomplete: `Range: bytes=0-LAST` says what the pod holds (no Range while it holds nothing); the body says the same.',
    headers: { Range: { description: '`bytes=0-LAST`', schema: { type: 'string' } } },
    content: { 'application/json': { schema: { $ref: getSchemaPath(ResumableUploadStateOpenApi) } } },
  })
  @ApiProblems(
    'unauthorized',
    'invalid-content-range',
    'upload-aborted',
    'upload-not-found',
    'upload-offset-mismatch',
    'payload-too-large',
    'unsupported-media-type',
    'empty-file',
    'not-a-video',
    'truncated-media',
    'media-timeout',
    'insufficient-storage',
  )
  async put(@Req() req: Request, @Res() res: Response, @Query('upload_id') id: unknown, @CurrentSession() session: Session): Promise<void> {
    let answer;
    try {
      answer = await this.uploads.put(req, session, id, (received, by) => this.commands.execute(new UploadVideoCommand(received, by)));
    } catch (error) {
      const offset = (error as ProblemError).extra?.offset;
      if (error instanceof ProblemError && error.code === 'upload-offset-mismatch' && typeof offset === 'number') {
        const range = heldRange(offset);
        if (range) res.setHeader('Range', range);
      }
      throw error;
    }
    if (answer.kind === 'complete') {
      res.status(200).json({ uuid: answer.uuid, video: { uuid: answer.uuid } });
      return;
    }
    const range = heldRange(answer.offset);
    if (range) res.setHeader('Range', range);
    res.statusMessage = 'Resume Incomplete';
    res.status(308).json({ uploadId: id, offset: answer.offset, size: answer.size });
  }

  @Delete()
  @HttpCode(204)
  @UseGuards(UserGuard)
  @ApiOperation({ summary: 'Cancel a resumable upload', description: 'Its bytes are removed. A finished upload only forgets its answer: its video stays (DELETE /api/v1/videos/{uuid}).' })
  @ApiBearerAuth()
  @UPLOAD_ID
  @ApiNoContentResponse({ description: 'Cancelled.' })
  @ApiProblems('unauthorized', 'upload-not-found')
  async cancel(@Query('upload_id') id: unknown, @CurrentSession() session: Session): Promise<void> {
    await this.commands.execute(new CancelResumableUploadCommand(session, id));
  }
}
