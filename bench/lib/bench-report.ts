/** How every benchmark reports: one line per figure, the ratio to its anchor, then one JSON line. */

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export function printFigure(figure: Figure): void {
  console.log(`  ${figure.name.padEnd(58)} ${formatNumber(figure.value).padStart(10)} ${figure.unit}`);
}

export function printRatio(name: string, ratio: number, goal: number): boolean {
  const met = ratio >= goal;
  console.log(`  ${name.padEnd(58)} ${ratio.toFixed(2).padStart(10)} x   (goal >= ${goal}x: ${met ? 'met' : 'NOT met'})`);
  return met;
}

export function printSummary(summary: Record<string, unknown>): void {
  console.log(JSON.stringify(summary));
}

function formatNumber(value: number): string {
  return value >= 100 ? Math.round(value).toString() : value.toFixed(2);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Events per second of `work`, which processes `count` events. */
export async function eventsPerSecond(count: number, work: () => Promise<void> | void): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
