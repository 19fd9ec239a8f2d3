import type { AuditReport } from './audit.js';

/** The short human report the audit CLI prints. */
export function formatReport(report: AuditReport): string {
  const lines = [
    `audit of ${report.source}`,
    `  events verified: ${report.events} from ${report.origins} origin(s)${report.proofsChecked ? ', every proof checked' : ', proofs NOT checked'} in ${report.seconds.toFixed(2)} s`,
  ];
  const failure = report.firstFailure;
  if (failure) {
    lines.push(
      `  FIRST BAD EVENT at position ${failure.position}: ${failure.code}: ${failure.detail}`,
      `    id ${failure.id ?? '?'}, origin ${failure.origin ?? '?'}, originSeq ${failure.originSeq ?? '?'}`,
    );
  }
  for (const model of report.readModels) {
    const verdict = model.matches === null ? (model.liveDigest ? 'not compared' : 'replayed') : model.matches ? 'matches live' : 'DIFFERS from live';
    lines.push(`  read model ${model.projection}: ${model.rows} row(s) at position ${model.checkpoint}, digest ${model.replayDigest.slice(0, 16)}… ${verdict}`);
  }
  lines.push(report.ok ? 'OK' : 'FAILED');
  return lines.join('\n');
}
