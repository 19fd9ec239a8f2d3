/**
 * TEST ONLY. `SWARMTUBE_TEST_CRASH_AT=<point>` makes the pod kill itself with SIGKILL when a
 * processing job reaches that point, so that the fault-injection test
 * (test/processing-crash.e2e.spec.ts) hits every step of a job deterministically. Unset in
 * production, where every call is a no-op. Points, in a job's order:
 *
 * - `accepted`: the upload is answered, its job recorded, nothing done yet;
 * - `moved`: a kept upload was renamed into web-videos/, the job row not updated yet;
 * - `converting`: ffmpeg is converting the upload (killed with the pod);
 * - `placed`: the video's file is in place and recorded, the upload not removed yet;
 * - `hashing`: hashing the pieces of a converted file;
 * - `prepared`: thumbnail and .torrent written, no event yet;
 * - `published`: VideoPublished appended, the job row not updated yet.
 */
export type CrashPoint = 'accepted' | 'moved' | 'converting' | 'placed' | 'hashing' | 'prepared' | 'published';

export const CRASH_POINTS: readonly CrashPoint[] = ['accepted', 'moved', 'converting', 'placed', 'hashing', 'prepared', 'published'];

export function crashPointFromEnv(env: NodeJS.ProcessEnv = process.env): CrashPoint | null {
  const value = env.SWARMTUBE_TEST_CRASH_AT;
  return value && (CRASH_POINTS as readonly string[]).includes(value) ? (value as CrashPoint) : null;
}

export function crashHere(at: CrashPoint | null, point: CrashPoint): void {
  if (at === point) process.kill(process.pid, 'SIGKILL');
}
