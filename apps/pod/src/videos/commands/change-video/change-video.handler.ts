import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { videoStream } from '@swarmtube/contracts';
import { isCatalogEvent } from '@swarmtube/contracts';
import { ConcurrencyError } from '@swarmtube/event-store';
import type { EventStore } from '@swarmtube/event-store';
import type { OpenedEventStore } from '@swarmtube/event-store';
import { POD_ACTOR } from '../../../config/config.tokens.js';
import { EventLog } from '../../../event-log/event-log.js';
import { EVENT_STORE } from '../../../event-log/event-log.tokens.js';
import { ProjectionRunner } from '../../../projections/projection-runner.js';
import { LocalVideos } from '../../local-videos.js';
import { VideoJobs } from '../../processing/video-jobs.js';
import { VideoProcessing } from '../../processing/video-processing.js';
import { ProblemError } from '../../../http/problem.js';
import type { Session } from '../../../users/local-accounts.js';
import { decideDelete, decideUpdate, fold, type Decision, type VideoState } from '../../domain/video.js';
import { parseVideoFields } from '../../domain/video-fields.js';
import { DeleteVideoCommand } from './delete-video.command.js';
import { UpdateVideoCommand } from './update-video.command.js';

/** Reads the video's stream, decides, and appends at the version it read: a concurrent change makes this one fail (409), never both succeed. */
async function changeVideo(
  store: EventStore,
  eventLog: EventLog,
  uuid: string,
  decide: (state: VideoState) => Decision,
): Promise<{ appended: boolean }> {
  const stream = videoStream(uuid);
  const history = await store.readStream(stream);
  const decision = decide(fold(history.map((stored) => stored.event).filter(isCatalogEvent)));
  if (!decision.ok) throw new ProblemError(decision.code, decision.message);
  if (decision.drafts.length === 0) return { appended: false };
  try {
    await eventLog.append(stream, decision.drafts, { expectedVersion: history.length });
  } catch (error) {
    if (error instanceof ConcurrencyError) throw new ProblemError('wrong-expected-version', 'the video changed meanwhile: read it again and retry');
    throw error;
  }
  return { appended: true };
}

async function updateVideo(
  deps: { store: EventStore; eventLog: EventLog; me: string },
  uuid: string,
  body: unknown,
  by: Session,
): Promise<{ appended: boolean }> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ProblemError('invalid-body', 'send a JSON object with name, description or tags');
  const parsed = parseVideoFields(body as Record<string, unknown>, { partial: true });
  if (!parsed.ok) throw new ProblemError('invalid-body', parsed.problems.join('; '), { problems: parsed.problems });
  return changeVideo(deps.store, deps.eventLog, uuid, (state) => decideUpdate(state, uuid, parsed.value, by, deps.me));
}

async function deleteVideo(deps: { store: EventStore; eventLog: EventLog; me: string }, uuid: string, by: Session): Promise<{ appended: boolean }> {
  return changeVideo(deps.store, deps.eventLog, uuid, (state) => decideDelete(state, uuid, by, deps.me));
}

/** Answers once the change is in the read model: the next GET shows it. */
@CommandHandler(UpdateVideoCommand)
export class UpdateVideoHandler implements ICommandHandler<UpdateVideoCommand, void> {
  constructor(
    @Inject(POD_ACTOR) private readonly me: string,
    @Inject(EVENT_STORE) private readonly store: OpenedEventStore,
    private readonly eventLog: EventLog,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute({ uuid, body, by }: UpdateVideoCommand): Promise<void> {
    await updateVideo({ store: this.store, eventLog: this.eventLog, me: this.me }, uuid, body, by);
    await this.projections.waitFor(await this.store.headPosition());
  }
}

/**
 * A published video: VideoDeleted, then its files and swarm go. An upload still processing (or
 * failed): its job is cancelled and dropped with its files, no event (it was never published).
 */
@CommandHandler(DeleteVideoCommand)
export class DeleteVideoHandler implements ICommandHandler<DeleteVideoCommand, void> {
  constructor(
    @Inject(POD_ACTOR) private readonly me: string,
    @Inject(EVENT_STORE) private readonly store: OpenedEventStore,
    private readonly eventLog: EventLog,
    private readonly projections: ProjectionRunner,
    private readonly jobs: VideoJobs,
    private readonly processing: VideoProcessing,
    private readonly local: LocalVideos,
  ) {}

  async execute({ uuid, by: session }: DeleteVideoCommand): Promise<void> {
    const job = await this.jobs.get(uuid);
    if (job && job.state !== 'published') {
      if (session.role !== 'admin' && session.username !== job.owner) throw new ProblemError('forbidden', 'only the owner of a video or an admin can delete it');
      await this.processing.cancel(uuid);
      // Never published: no event to append, only a job and its files to drop. (A job already
      // appending its VideoPublished when cancelled has published: deleted below, as any video.)
      if ((await this.jobs.get(uuid))?.state !== 'published') {
        await this.jobs.remove(uuid);
        await this.local.deleted(uuid);
        return;
      }
    }
    await deleteVideo({ store: this.store, eventLog: this.eventLog, me: this.me }, uuid, session);
    await this.jobs.remove(uuid);
    await this.local.deleted(uuid);
    await this.projections.waitFor(await this.store.headPosition());
  }
}
