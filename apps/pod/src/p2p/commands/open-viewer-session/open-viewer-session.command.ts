import { Command } from '@nestjs/cqrs';

/** A short-lived viewer session, whose token asks for ICE servers (TURN credentials minted for it). */
export class OpenViewerSessionCommand extends Command<{ token: string; expiresAt: string }> {}
