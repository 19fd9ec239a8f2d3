import { videoStream } from '../../../../../../libs/contracts/src/events/event-streams.js';
import { isCatalogEvent } from '../../../../../../libs/contracts/src/events/event-types.js';
import { ConcurrencyError } from '../../../../../../libs/event-store/src/index.js';
import type { EventStore } from '../../../../../../libs/event-store/src/event-store.port.js';
import type { EventLog } from '../../../event-log/event-log.js';
import { ProblemError } from '../../../http/problem.js';
import type { Session } from '../../../users/local-accounts.js';
import { decideDelete, decideUpdate, fold, type Decision, type VideoState } from '../../domain/video.js';
import { parseVideoFields } from '../../domain/video-fields.js';

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

export async function updateVideo(
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

export async function deleteVideo(deps: { store: EventStore; eventLog: EventLog; me: string }, uuid: string, by: Session): Promise<{ appended: boolean }> {
  return changeVideo(deps.store, deps.eventLog, uuid, (state) => decideDelete(state, uuid, by, deps.me));
}
