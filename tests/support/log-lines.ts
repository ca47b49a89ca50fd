// Waiting for a line in a log the harness captures (a profile's consoles, the server's
// output): how the tests see what the product did but did not show, such as a frame
// the host rejected.
import { waitFor } from './wait.ts';

export interface CapturedLog {
  readonly logLines: readonly string[];
}

/**
 * Waits until `log` has a line matching `pattern` after its first `after` lines, and
 * returns that line. Pass `log.logLines.length` taken before an action as `after`.
 */
export async function waitForLine(
  log: CapturedLog,
  pattern: RegExp,
  { after = 0, timeoutMs = 5_000 }: { after?: number; timeoutMs?: number } = {},
): Promise<string> {
  return waitFor(
    `a log line matching ${pattern}`,
    () => log.logLines.slice(after).find((line) => pattern.test(line)),
    { timeoutMs, intervalMs: 100 },
  );
}
