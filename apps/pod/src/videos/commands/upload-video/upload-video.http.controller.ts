import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { POD_CONFIG } from '../../../config/config.tokens.js';
import type { PodConfig } from '../../../config/pod-config.js';
import { VideoStorage } from '../../video-storage.js';
import { CurrentSession } from '../../../users/current-session.decorator.js';
import type { Session } from '../../../users/local-accounts.js';
import { UserGuard } from '../../../users/user.guard.js';
import { receiveUpload } from './receive-upload.js';
import { UploadVideoCommand } from './upload-video.command.js';
import { ApiProblems } from '../../../http/problem.openapi.js';
import { UploadedVideoOpenApi, UploadVideoFormOpenApi } from './upload-video.openapi.js';

/** `POST /api/v1/videos/upload`, multipart: `videofile`, `name`, `description`, `tags` (repeated). */
@ApiTags('videos')
@Controller('api/v1/videos')
export class UploadVideoHttpController {
  constructor(
    @Inject(POD_CONFIG) private readonly config: PodConfig,
    private readonly storage: VideoStorage,
    private readonly commands: CommandBus,
  ) {}

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
    const received = await receiveUpload(req, this.storage.uploadsDir, this.config.uploads);
    return this.commands.execute(new UploadVideoCommand(received, session));
  }
}
