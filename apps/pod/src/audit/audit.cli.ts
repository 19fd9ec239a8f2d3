import { parseArgs } from 'node:util';
import { auditLog } from './audit.js';
import { formatReport } from './audit-report.js';
import { AuditSourceError, openAuditSource } from './audit-source.js';

const USAGE = `usage: npm run audit -- <data folder | postgres://… | export.ndjson> [--schema NAME] [--no-proofs] [--json]

Verifies every proof and every origin's chain, replays the log into fresh read models and
compares them with the live ones. Exits 0 when all is well, 1 on the first bad event or a
read model that differs, 2 on bad usage or an unreadable source.`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        schema: { type: 'string' },
        'no-proofs': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`audit: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const target = positionals[0] ?? process.env.DATABASE_URL;
  if (!target || positionals.length > 1) {
    console.error(`audit: name one log to audit\n${USAGE}`);
    return 2;
  }
  let source;
  try {
    source = await openAuditSource(target, { schema: values.schema ?? process.env.SWARMTUBE_DATABASE_SCHEMA });
  } catch (error) {
    console.error(`audit: ${error instanceof AuditSourceError ? error.message : String(error)}`);
    return 2;
  }
  try {
    const report = await auditLog(source, { checkProofs: !values['no-proofs'] });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  } finally {
    await source.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`audit: ${(error as Error)?.message ?? String(error)}`);
    process.exit(2);
  },
);
