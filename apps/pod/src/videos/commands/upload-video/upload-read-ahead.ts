import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import {
  choosePlan,
  describeMedia,
  interpretProbe,
  makeThumbnailAhead,
  readAheadHolds,
  readAheadReadiness,
  type FfprobeOutput,
  type ToolRun,
} from '../../media/index.js';

/** What was read of an upload ahead of its end. */
export interface ReadAhead {
  /** ffprobe's successful run on the upload as it was written, or null. */
  described: ToolRun | null;
  /** The thumbnail made from it (beside the upload), or null. */
  thumbnailPath: string | null;
}

const NOTHING: ReadAhead = { described: null, thumbnailPath: null };
/** Bytes received between two looks at the file for its index: each look is a few small preads. */
const LOOK_EVERY_BYTES = 64 * 1024;
/** An index not seen by then is not waited for (the file is read after its end, as without this). */
const GIVE_UP_AFTER_BYTES = 64 * 1024 * 1024;
/** A slow upload can keep a tool waiting for bytes: past this it is stopped, and nothing is lost. */
const TOOL_TIMEOUT_MS = 30_000;

/**
 * Runs ffprobe, then the thumbnail, on a faststart MP4 upload while the rest of it streams
 * in (see media/read-ahead.ts), so that neither is left for after its last byte. What it
 * yields is a head start only: uploadVideo takes it when readAheadHolds says the whole file
 * reads the same, and otherwise probes and thumbnails after the end exactly as without it.
 * Every refusal is still decided on the whole file.
 */
export class UploadReadAhead {
  private readonly stop = new AbortController();
  private readonly lookEveryBytes: number;
  private state: 'looking' | 'reading' | 'stopped' = 'looking';
  private received = 0;
  private nextLook = 0;
  private work: Promise<ReadAhead> = Promise.resolve(NOTHING);
  private readonly thumbnailPath: string;

  constructor(
    private readonly path: string,
    { lookEveryBytes = LOOK_EVERY_BYTES }: { lookEveryBytes?: number } = {},
  ) {
    // In the uploads folder beside the upload: the sweep at start removes it after a crash.
    this.thumbnailPath = `${path}.jpg`;
    this.lookEveryBytes = lookEveryBytes;
  }

  /** A pass-through for the pipe that writes the upload: counts what arrives, looks for the index. */
  tap(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.received += chunk.length;
        this.look();
        callback(null, chunk);
      },
    });
  }

  /** The upload arrived whole: stops what still waits for bytes, and returns what finished. */
  async settle(): Promise<ReadAhead> {
    this.state = 'stopped';
    this.stop.abort();
    return this.work;
  }

  /** The upload is refused: stops everything and removes what was made. */
  async discard(): Promise<void> {
    await this.settle();
    await rm(this.thumbnailPath, { force: true });
  }

  private look(): void {
    if (this.state !== 'looking' || this.received < this.nextLook) return;
    this.nextLook = this.received + this.lookEveryBytes;
    let readiness: ReturnType<typeof readAheadReadiness>;
    try {
      readiness = readAheadReadiness(this.path); // what is on disk, a little behind what arrived
    } catch (error) {
      // The file is opened asynchronously: the first bytes can arrive before it exists.
      readiness = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'wait' : 'never';
    }
    if (readiness === 'wait' && this.received <= GIVE_UP_AFTER_BYTES) return;
    if (readiness !== 'ready') {
      this.state = 'stopped';
      return;
    }
    this.state = 'reading';
    this.work = this.readAhead();
  }

  private async readAhead(): Promise<ReadAhead> {
    const signal = this.stop.signal;
    const run = await describeMedia(this.path, { timeoutMs: TOOL_TIMEOUT_MS, follow: true, signal }).catch(() => null);
    if (!run || run.outcome !== 'exited' || run.exitCode !== 0) return NOTHING;
    const durationSeconds = durationIfKept(run);
    if (durationSeconds === null) return { described: run, thumbnailPath: null };
    const made = await makeThumbnailAhead(this.path, this.thumbnailPath, { durationSeconds, timeoutMs: TOOL_TIMEOUT_MS, signal });
    return { described: run, thumbnailPath: made ? this.thumbnailPath : null };
  }
}

/**
 * The video's duration when the pod will publish the upload as it is, the only case where
 * its thumbnail is made from the upload (a converted video's is made from the conversion);
 * null otherwise, or when the early description is no video: the whole file decides that.
 */
function durationIfKept(run: ToolRun): number | null {
  try {
    const output = JSON.parse(run.stdout) as FfprobeOutput;
    // The container layout only tells WebM from Matroska; the size is not used for the plan.
    const probe = interpretProbe(output, { sizeBytes: 0, layout: { kind: 'unknown', complete: true } });
    // Read ahead only once the index was seen before the media data: the layout the plan needs.
    return choosePlan(probe, { moovBeforeMdat: true }).action === 'keep' ? probe.durationSeconds : null;
  } catch {
    return null;
  }
}

/**
 * After the upload: the part of the read ahead that holds for the whole file, for
 * probeMedia and the job. A thumbnail that does not hold is removed.
 */
export async function keepWhatHolds(path: string, readAhead: ReadAhead): Promise<ReadAhead> {
  let holds = false;
  try {
    holds = readAhead.described !== null && readAheadHolds(path);
  } catch {
    holds = false;
  }
  if (holds) return readAhead;
  if (readAhead.thumbnailPath) await rm(readAhead.thumbnailPath, { force: true });
  return NOTHING;
}
