import type { StoredEvent } from '@swarmtube/event-store';
import type { SqlStatement } from '@swarmtube/event-store';
import { allProjections } from '../projections/all-projections.js';
import { statementsFor, type Projection } from '../projections/projection.js';
import { digestReadModel } from '../projections/read-model-digest.js';
import type { AuditSource } from './audit-source.js';
import { LogVerifier, type AuditFailure } from './log-verifier.js';
import { SignedContentPool } from './signed-content-pool.js';
import type { SignedContentResult, SignedContentTask } from './signed-content-check.js';
import { openReplayDatabase } from './replay-database.js';

export interface ReadModelComparison {
  projection: string;
  /** The log position the live model had reached; the replay is compared at the same point. */
  checkpoint: number;
  replayDigest: string;
  liveDigest: string | null;
  rows: number;
  matches: boolean | null;
}

export interface AuditReport {
  source: string;
  events: number;
  origins: number;
  proofsChecked: boolean;
  firstFailure: AuditFailure | null;
  readModels: ReadModelComparison[];
  seconds: number;
  ok: boolean;
}

const REPLAY_BATCH = 2000;
/** Events per batch sent to a verification thread; a few batches stay in flight. */
const VERIFY_BATCH = 256;

interface LiveModel {
  projection: Projection;
  checkpoint: number;
  digest: string;
}

/**
 * Verifies a log and replays it into fresh read models. For a live database each model is
 * compared with the live one at the live model's own checkpoint, so a pod that keeps
 * working during the audit does not produce false alarms for events it appended later.
 */
export async function auditLog(
  source: AuditSource,
  options: { checkProofs?: boolean; projections?: readonly Projection[]; threads?: number } = {},
): Promise<AuditReport> {
  const started = performance.now();
  // The replay runs on SQLite; live digests read only the declared tables, the same on both dialects.
  const projections = options.projections ?? allProjections('sqlite');
  const checkProofs = options.checkProofs ?? true;
  const live = source.liveReadModels ? await readLiveModels(source, projections) : null;
  const replay = openReplayDatabase();
  const pool = new SignedContentPool({ checkProofs, threads: options.threads });
  try {
    for (const projection of projections) await replay.execute(projection.createTables());
    const verifier = new LogVerifier();
    const inFlight: Array<Promise<SignedContentResult[]>> = [];
    let tasks: SignedContentTask[] = [];
    const dispatch = () => {
      if (tasks.length > 0) inFlight.push(pool.check(tasks));
      tasks = [];
    };
    const comparisons = new Map<string, ReadModelComparison>();
    const compareAt = async (position: number) => {
      for (const model of live ?? []) {
        if (model.checkpoint !== position || comparisons.has(model.projection.name)) continue;
        const { digest, rows } = await digestReadModel(replay, model.projection);
        comparisons.set(model.projection.name, {
          projection: model.projection.name,
          checkpoint: model.checkpoint,
          replayDigest: digest,
          liveDigest: model.digest,
          rows,
          matches: digest === model.digest,
        });
      }
    };

    let chainFailure: AuditFailure | null = null;
    let pending: SqlStatement[] = [];
    let pendingEvents = 0;
    let last = 0;
    await compareAt(0);
    for await (const raw of source.events()) {
      const checked = verifier.check(raw.position, raw.body);
      if (!checked.ok) {
        chainFailure = checked.failure;
        break;
      }
      tasks.push({ position: raw.position, body: raw.body, keyMultibase: checked.keyMultibase });
      if (tasks.length >= VERIFY_BATCH) dispatch();
      const stored: StoredEvent = { position: raw.position, streamVersion: 0, hash: '', event: checked.event };
      for (const projection of projections) pending.push(...statementsFor(projection, stored));
      pendingEvents += 1;
      last = raw.position;
      const comparisonDue = live?.some((m) => m.checkpoint === raw.position) ?? false;
      if (pendingEvents >= REPLAY_BATCH || comparisonDue) {
        await replay.execute(pending);
        pending = [];
        pendingEvents = 0;
        if (comparisonDue) await compareAt(raw.position);
      }
    }
    await replay.execute(pending);
    dispatch();
    const firstFailure = earliest(chainFailure, (await Promise.all(inFlight)).flat());

    const readModels: ReadModelComparison[] = [];
    for (const projection of projections) {
      const compared = comparisons.get(projection.name);
      if (compared) {
        readModels.push(compared);
        continue;
      }
      const { digest, rows } = await digestReadModel(replay, projection);
      const model = live?.find((m) => m.projection.name === projection.name);
      // A live checkpoint beyond the log's end (or past a bad event) cannot be compared.
      readModels.push({
        projection: projection.name,
        checkpoint: model?.checkpoint ?? last,
        replayDigest: digest,
        liveDigest: model?.digest ?? null,
        rows,
        matches: model ? (firstFailure ? null : false) : null,
      });
    }
    const ok = firstFailure === null && readModels.every((m) => m.matches !== false);
    return {
      source: source.description,
      events: firstFailure ? verifier.checkedBefore(firstFailure.position) : verifier.checked,
      origins: verifier.originCount,
      proofsChecked: checkProofs,
      firstFailure,
      readModels,
      seconds: (performance.now() - started) / 1000,
      ok,
    };
  } finally {
    replay.close();
    await pool.close();
  }
}

/** The failure at the lowest position, whichever half of the audit found it. */
function earliest(chainFailure: AuditFailure | null, results: SignedContentResult[]): AuditFailure | null {
  let first = chainFailure;
  for (const result of results) {
    if (result.ok || (first && first.position <= result.position)) continue;
    const { code, position, detail, id, origin, originSeq } = result;
    first = { code, position, detail, id, origin, originSeq };
  }
  return first;
}

/** Checkpoints and digests of the live models, read twice to be sure they were not moving. */
async function readLiveModels(source: AuditSource, projections: readonly Projection[]): Promise<LiveModel[]> {
  const db = source.liveReadModels!;
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await checkpoints(db);
    const models: LiveModel[] = [];
    for (const projection of projections) {
      const checkpoint = before.get(projection.name);
      if (checkpoint === undefined) continue;
      models.push({ projection, checkpoint, digest: (await digestReadModel(db, projection)).digest });
    }
    const after = await checkpoints(db);
    if ([...before].every(([name, position]) => after.get(name) === position)) return models;
  }
  throw new Error('the live read models kept changing during the audit: stop the pod or audit again when it is quieter');
}

async function checkpoints(db: NonNullable<AuditSource['liveReadModels']>): Promise<Map<string, number>> {
  try {
    const rows = await db.query<{ name: string; position: number | string }>('SELECT name, position FROM projection_checkpoints');
    return new Map(rows.map((r) => [r.name, Number(r.position)]));
  } catch {
    return new Map();
  }
}
