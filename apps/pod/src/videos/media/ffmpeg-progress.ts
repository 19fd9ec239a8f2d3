/**
 * Reads `ffmpeg -progress pipe:1` output: blocks of key=value lines, each ending with
 * `progress=continue` or `progress=end`. Reports the encoded share of the duration, only
 * when it grows (ffmpeg's out_time can step back a little, or read N/A, early on).
 * Returns the function to feed stdout chunks to; chunks may split lines anywhere.
 */
export function createProgressParser(durationSeconds: number, report: (fraction: number) => void): (chunk: string) => void {
  let pending = '';
  let last = 0;
  const emit = (fraction: number) => {
    const clamped = Math.min(1, Math.max(0, fraction));
    if (clamped > last) {
      last = clamped;
      report(clamped);
    }
  };
  return (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (key === 'progress' && value === 'end') emit(1);
      else if (key === 'out_time_us' && durationSeconds > 0) {
        const micros = Number(value);
        if (Number.isFinite(micros)) emit(micros / (durationSeconds * 1e6));
      }
    }
  };
}
