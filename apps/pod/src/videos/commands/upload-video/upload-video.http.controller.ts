import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { POD_RUNTIME } from '../../../pod-runtime.token.js';
import type { PodRuntime } from '../../../pod-runtime.js';
import { CurrentSession } from '../../../users/current-session.decorator.js';
import type { Session } from '../../../users/local-accounts.js';
import { UserGuard } from '../../../users/user.guard.js';
import { receiveUpload } from './receive-upload.js';
import { uploadVideo } from './upload-video.handler.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { UploadedVideoOpenApi, UploadVideoFormOpenApi } from './upload-video.openapi.js';

/** `POST /api/v1/videos/upload`, multipart: `videofile`, `name`, `description`, `tags` (repeated). */
@ApiTags('videos')
@Controller('api/v1/videos')
export class UploadVideoHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Post('upload')
  @HttpCode(201)
  @UseGuards(UserGuard)
  @ApiOperation({ summary: 'Upload a video', description: 'The file streams to disk with its torrent pieces hashed on the way, then ffprobe must find a video in it. The answer does not wait for processing (transcoding, thumbnail, torrent): GET /api/v1/videos/{uuid} shows its state until it is published.' })
  @ApiBearerAuth()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadVideoFormOpenApi, encoding: { videofile: { contentType: 'video/*, application/octet-stream' } } })
  @ApiCreatedResponse({ description: 'Received and probed: processing has started.', type: UploadedVideoOpenApi })
  @ApiProblems('unauthorized', 'unsupported-media-type', 'invalid-body', 'upload-aborted', 'payload-too-large', 'empty-file', 'not-a-video', 'truncated-media', 'media-timeout', 'insufficient-storage')
  async upload(@Req() req: Request, @CurrentSession() session: Session): Promise<{ uuid: string }> {
    const { videos, config } = this.runtime;
    const received = await receiveUpload(req, videos.storage.uploadsDir, config.uploads);
    return uploadVideo(received, session, videos.processing);
  }
}
