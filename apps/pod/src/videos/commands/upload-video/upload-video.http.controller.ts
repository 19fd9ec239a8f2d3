import { Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { POD_RUNTIME } from '../../../pod-runtime.token.js';
import type { PodRuntime } from '../../../pod-runtime.js';
import { CurrentSession } from '../../../users/current-session.decorator.js';
import type { Session } from '../../../users/local-accounts.js';
import { UserGuard } from '../../../users/user.guard.js';
import { receiveUpload } from './receive-upload.js';
import { uploadVideo } from './upload-video.handler.js';

/** `POST /api/v1/videos/upload`, multipart: `videofile`, `name`, `description`, `tags` (repeated). */
@Controller('api/v1/videos')
export class UploadVideoHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Post('upload')
  @HttpCode(201)
  @UseGuards(UserGuard)
  async upload(@Req() req: Request, @Res({ passthrough: true }) res: Response, @CurrentSession() session: Session): Promise<{ uuid: string }> {
    const { videos, config } = this.runtime;
    try {
      const received = await receiveUpload(req, videos.storage.uploadsDir, config.uploads);
      return await uploadVideo(received, session, videos.processing);
    } catch (error) {
      // The client may still be sending a body we will not read: close after the answer.
      res.setHeader('Connection', 'close');
      throw error;
    }
  }
}
