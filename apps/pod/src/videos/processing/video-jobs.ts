import type { ReadModelDatabase } from '@swarmtube/event-store';
import type { ProcessingPlan } from '../media/index.js';

export type JobState = 'processing' | 'published' | 'failed';

/**
 * A local upload on its way to VideoPublished: local state, not an event (nothing happened
 * that other pods should know of until the video is published; a failed upload never
 * becomes an event at all).
 */
export interface VideoJob {
  uuid: string;
  owner: string;
  state: JobState;
  /** 0..1 */
  progress: number;
  step: string;
  errorCode: string | null;
  errorMessage: string | null;
  name: string;
  description: string;
  tags: string[];
  /** The received upload, until processing no longer needs it (null once the video's file is in place). */
  sourcePath: string | null;
  /** Keep, remux or transcode, decided once from the upload: a resumed job follows the same plan. */
  plan: ProcessingPlan | null;
  /** The video's file once in place (web-videos/<uuid>.<ext>): where the bytes are after the move or conversion. */
  filePath: string | null;
  createdAt: string;
  updatedAt: string;
}

interface JobRow {
  uuid: string;
  owner: string;
  state: JobState;
  progress: number;
  step: string;
  error_code: string | null;
  error_message: string | null;
  name: string;
  description: string;
  tags: string;
  source_path: string | null;
  plan: string | null;
  file_path: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS: Record<keyof Omit<VideoJob, 'uuid'>, string> = {
  owner: 'owner',
  state: 'state',
  progress: 'progress',
  step: 'step',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  name: 'name',
  description: 'description',
  tags: 'tags',
  sourcePath: 'source_path',
  plan: 'plan',
  filePath: 'file_path',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

function fromRow(row: JobRow): VideoJob {
  return {
    uuid: row.uuid,
    owner: row.owner,
    state: row.state,
    progress: Number(row.progress),
    step: row.step,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    name: row.name,
    description: row.description,
    tags: JSON.parse(row.tags) as string[],
    sourcePath: row.source_path,
    plan: row.plan ? (JSON.parse(row.plan) as ProcessingPlan) : null,
    filePath: row.file_path ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class VideoJobs {
  constructor(private readonly db: ReadModelDatabase) {}

  async insert(job: VideoJob): Promise<void> {
    await this.db.execute([
      {
        sql: `INSERT INTO local_video_jobs (uuid, owner, state, progress, step, error_code, error_message, name, description, tags, source_path, plan, file_path, created_at, updated_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        params: [job.uuid, job.owner, job.state, job.progress, job.step, job.errorCode, job.errorMessage, job.name, job.description, JSON.stringify(job.tags), job.sourcePath, job.plan ? JSON.stringify(job.plan) : null, job.filePath, job.createdAt, job.updatedAt],
      },
    ]);
  }

  async update(uuid: string, patch: Partial<Omit<VideoJob, 'uuid' | 'createdAt'>> & { updatedAt: string }): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [uuid];
    for (const [key, value] of Object.entries(patch)) {
      params.push(key === 'tags' || (key === 'plan' && value !== null) ? JSON.stringify(value) : value);
      sets.push(`${COLUMNS[key as keyof typeof COLUMNS]} = $${params.length}`);
    }
    await this.db.execute([{ sql: `UPDATE local_video_jobs SET ${sets.join(', ')} WHERE uuid = $1`, params }]);
  }

  async get(uuid: string): Promise<VideoJob | null> {
    const [row] = await this.db.query<JobRow>('SELECT * FROM local_video_jobs WHERE uuid = $1', [uuid]);
    return row ? fromRow(row) : null;
  }

  async inState(state: JobState): Promise<VideoJob[]> {
    return (await this.db.query<JobRow>('SELECT * FROM local_video_jobs WHERE state = $1 ORDER BY created_at', [state])).map(fromRow);
  }

  /** How many jobs are in each state (/metrics). */
  async countByState(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = { processing: 0, published: 0, failed: 0 };
    for (const row of await this.db.query<{ state: JobState; count: number | string }>('SELECT state, COUNT(*) AS count FROM local_video_jobs GROUP BY state')) counts[row.state] = Number(row.count);
    return counts;
  }

  async remove(uuid: string): Promise<void> {
    await this.db.execute([{ sql: 'DELETE FROM local_video_jobs WHERE uuid = $1', params: [uuid] }]);
  }
}
