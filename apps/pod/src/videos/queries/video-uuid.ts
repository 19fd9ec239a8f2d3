import { ProblemError } from '../../http/problem.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A video's uuid from a path: lower case as the schema has it; anything else is a 404 of a video that cannot exist. */
export function parseVideoUuid(raw: string): string {
  const uuid = raw.toLowerCase();
  if (!UUID.test(uuid)) throw new ProblemError('not-found', 'no such video: a video id is a UUID');
  return uuid;
}
