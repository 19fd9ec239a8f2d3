import { Module } from '@nestjs/common';
import { EventLogModule } from '../event-log/event-log.module.js';
import { ListEventsHandler } from './queries/list-events/list-events.handler.js';
import { ListEventsHttpController } from './queries/list-events/list-events.http.controller.js';

/** The log for auditors (`GET /api/v1/events`); `npm run audit` (audit.cli.ts) checks one. */
@Module({
  imports: [EventLogModule],
  controllers: [ListEventsHttpController],
  providers: [ListEventsHandler],
})
export class AuditModule {}
