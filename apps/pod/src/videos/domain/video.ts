import type { CatalogDraft, CatalogEventPart, VideoUpdatedDataV1 } from '@swarmtube/contracts';
import type { VideoFields } from './video-fields.js';

/**
 * One video's history, folded from its stream (`video:<uuid>`), and the decisions taken on
 * it. Pure: no I/O, time passed in. The handlers read the stream, decide, and append with
 * the stream's version as the expected one, so two concurrent edits cannot both win.
 */
export type VideoState =
  | { status: 'none' }
  | { status: 'published'; origin: string; owner: string; name: string; description: string; tags: string[] }
  | { status: 'deleted'; origin: string; owner: string };

export const NO_VIDEO: VideoState = { status: 'none' };

/** The part of an event of the video's stream that the fold reads. */
export type VideoEventLike = CatalogEventPart<'origin'>;

export function evolve(state: VideoState, event: VideoEventLike): VideoState {
  switch (event.type) {
    case 'VideoPublished': {
      if (state.status !== 'none') return state;
      const { data } = event;
      return { status: 'published', origin: event.origin, owner: data.account.username, name: data.name, description: data.description, tags: data.tags };
    }
    case 'VideoUpdated': {
      // Only the origin may change its video; a relayed event of another origin changes nothing.
      if (state.status !== 'published' || event.origin !== state.origin) return state;
      const { data } = event;
      return { ...state, name: data.name ?? state.name, description: data.description ?? state.description, tags: data.tags ?? state.tags };
    }
    case 'VideoDeleted':
      if (state.status !== 'published' || event.origin !== state.origin) return state;
      return { status: 'deleted', origin: state.origin, owner: state.owner };
    default:
      return state;
  }
}

export function fold(events: readonly VideoEventLike[]): VideoState {
  return events.reduce(evolve, NO_VIDEO);
}

export interface Actor {
  username: string;
  role: 'admin' | 'user';
}

export type Decision = { ok: true; drafts: CatalogDraft<'VideoUpdated' | 'VideoDeleted'>[] } | { ok: false; code: 'not-found' | 'forbidden' | 'not-origin'; message: string };

function mayChange(state: VideoState, by: Actor, me: string): Decision | null {
  if (state.status !== 'published') return { ok: false, code: 'not-found', message: 'no such video' };
  if (state.origin !== me) return { ok: false, code: 'not-origin', message: 'this video belongs to another pod: only its origin can change it' };
  if (by.role !== 'admin' && by.username !== state.owner) return { ok: false, code: 'forbidden', message: 'only the owner of a video or an admin can change it' };
  return null;
}

/** A VideoUpdated carrying only the fields that change; none when nothing would. */
export function decideUpdate(state: VideoState, uuid: string, changes: Partial<VideoFields>, by: Actor, me: string): Decision {
  const refused = mayChange(state, by, me);
  if (refused) return refused;
  const current = state as Extract<VideoState, { status: 'published' }>;
  const data: VideoUpdatedDataV1 = { uuid };
  if (changes.name !== undefined && changes.name !== current.name) data.name = changes.name;
  if (changes.description !== undefined && changes.description !== current.description) data.description = changes.description;
  if (changes.tags !== undefined && JSON.stringify(changes.tags) !== JSON.stringify(current.tags)) data.tags = changes.tags;
  if (Object.keys(data).length === 1) return { ok: true, drafts: [] };
  return { ok: true, drafts: [{ type: 'VideoUpdated', schemaVersion: 1, data }] };
}

export function decideDelete(state: VideoState, uuid: string, by: Actor, me: string): Decision {
  const refused = mayChange(state, by, me);
  if (refused) return refused;
  return { ok: true, drafts: [{ type: 'VideoDeleted', schemaVersion: 1, data: { uuid } }] };
}
