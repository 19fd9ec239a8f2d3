import type pg from 'pg';
import type { EventRow } from '../shared/event-row.js';
import type { OriginHead } from '../shared/log-state.js';
import type { StateKeys } from '../shared/write-plan.js';

// One round trip for everything a batch still needs to look up; LATERAL + LIMIT 1 walks the
// unique indexes backwards, so an origin with millions of events costs the same as one with ten.
const LOAD_STATE = `
SELECT 'origin' AS kind, o.origin AS key, h.origin_seq AS num, h.hash AS text
  FROM unnest($1::text[]) AS o(origin)
  LEFT JOIN LATERAL (SELECT origin_seq, hash FROM events e WHERE e.origin = o.origin ORDER BY origin_seq DESC LIMIT 1) h ON true
UNION ALL
SELECT 'stream', s.stream, (SELECT COALESCE(MAX(stream_version), 0) FROM events e WHERE e.stream = s.stream), NULL
  FROM unnest($2::text[]) AS s(stream)
UNION ALL
SELECT 'id', e.id, NULL, e.body FROM events e WHERE e.id = ANY($3::text[])`;

const INSERT_ROWS = `
INSERT INTO events (position, id, stream, stream_version, origin, origin_seq, type, hash, body)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[])`;

interface StateRow {
  kind: 'origin' | 'stream' | 'id';
  key: string;
  num: string | null;
  text: string | null;
}

export interface LoadedState {
  heads: Map<string, OriginHead | null>;
  versions: Map<string, number>;
  bodies: Map<string, string | undefined>;
}

/**
 * Must run under the writers' advisory lock: the state cannot change until COMMIT.
 * Every requested key gets an entry, "absent" included, so the planner never guesses.
 */
export async function loadLogState(client: pg.ClientBase, keys: StateKeys): Promise<LoadedState> {
  const heads = new Map<string, OriginHead | null>();
  const versions = new Map<string, number>();
  const bodies = new Map<string, string | undefined>([...keys.ids].map((id) => [id, undefined]));
  if (keys.origins.size + keys.streams.size + keys.ids.size === 0) return { heads, versions, bodies };
  const result = await client.query<StateRow>({
    name: 'swarmtube-load-write-state',
    text: LOAD_STATE,
    values: [[...keys.origins], [...keys.streams], [...keys.ids]],
  });
  for (const row of result.rows) {
    if (row.kind === 'origin') heads.set(row.key, row.num === null ? null : { seq: Number(row.num), hash: row.text! });
    else if (row.kind === 'stream') versions.set(row.key, Number(row.num));
    else bodies.set(row.key, row.text!);
  }
  return { heads, versions, bodies };
}

export async function insertRows(client: pg.ClientBase, rows: readonly EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query({
    name: 'swarmtube-insert-events',
    text: INSERT_ROWS,
    values: [
      rows.map((r) => r.position),
      rows.map((r) => r.id),
      rows.map((r) => r.stream),
      rows.map((r) => r.streamVersion),
      rows.map((r) => r.origin),
      rows.map((r) => r.originSeq),
      rows.map((r) => r.type),
      rows.map((r) => r.hash),
      rows.map((r) => r.body),
    ],
  });
}
