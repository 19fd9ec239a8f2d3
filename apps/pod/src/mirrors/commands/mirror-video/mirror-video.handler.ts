import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MirrorService } from '../../mirror-service.js';
import { MirrorVideoCommand, UnmirrorVideoCommand } from './mirror-video.command.js';

@CommandHandler(MirrorVideoCommand)
export class MirrorVideoHandler implements ICommandHandler<MirrorVideoCommand, { uuid: string; state: 'fetching' | 'mirrored' }> {
  constructor(private readonly mirrors: MirrorService) {}

  execute({ uuid }: MirrorVideoCommand): Promise<{ uuid: string; state: 'fetching' | 'mirrored' }> {
    return this.mirrors.mirror(uuid);
  }
}

@CommandHandler(UnmirrorVideoCommand)
export class UnmirrorVideoHandler implements ICommandHandler<UnmirrorVideoCommand, void> {
  constructor(private readonly mirrors: MirrorService) {}

  execute({ uuid }: UnmirrorVideoCommand): Promise<void> {
    return this.mirrors.unmirror(uuid);
  }
}
