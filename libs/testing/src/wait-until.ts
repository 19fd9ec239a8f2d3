/**
 * Polls `check` until it gives a value other than undefined or false (a thrown error counts as
 * "not yet", and is named if time runs out), or fails after `timeoutMs`. The wait for
 * quiescence every test uses instead of a fixed sleep: it starts at 5 ms and backs off to
 * `intervalMs`, so a condition met at once costs nothing and a slow one is not hammered.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let delay = Math.min(5, intervalMs);
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, intervalMs);
  }
}
