import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

/**
 * `GET /livez`: the process answers. No I/O and no bus: a liveness probe that waited on the
 * database would have a slow database restart a healthy process.
 */
@ApiTags('health')
@Controller('livez')
export class LivenessHttpController {
  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process answers (no I/O)' })
  @ApiOkResponse({ description: 'The process answers', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
