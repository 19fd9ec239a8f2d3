import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ViewerSessions } from '../../ice-servers.js';
import { OpenViewerSessionCommand } from './open-viewer-session.command.js';

@CommandHandler(OpenViewerSessionCommand)
export class OpenViewerSessionHandler implements ICommandHandler<OpenViewerSessionCommand, { token: string; expiresAt: string }> {
  constructor(private readonly sessions: ViewerSessions) {}

  async execute(): Promise<{ token: string; expiresAt: string }> {
    const session = this.sessions.issue();
    return { token: session.token, expiresAt: new Date(session.expiresAtSeconds * 1000).toISOString() };
  }
}
