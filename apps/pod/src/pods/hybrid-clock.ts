import type { EventStore } from '@swarmtube/event-store';

/**
 * The time of a new membership event (a friendship event, a vote, an outcome): now, but always
 * after every event of its stream that this pod holds and after this pod's own last event (a
 * hybrid clock). The membership read models and the ballots order a stream's events by time,
 * so an answer never looks older than what it answers, even when the answering pod's clock is
 * behind: a withdrawal comes after its vote, an outcome after the votes it counts.
 */
export async function stampAfter(store: EventStore, me: string, stream: string, now = Date.now()): Promise<string> {
  let at = now;
  const after = (occurredAt: string) => {
    const time = Date.parse(occurredAt);
    if (Number.isFinite(time)) at = Math.max(at, time + 1);
  };
  for (const { event } of await store.readStream(stream)) after(event.occurredAt);
  const head = await store.originHead(me);
  const [last] = head ? await store.readOrigin(me, { after: head.seq - 1, limit: 1 }) : [];
  if (last) after(last.event.occurredAt);
  return new Date(at).toISOString();
}
