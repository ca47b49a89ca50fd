import type { Logger } from './logger.ts';
import type { RunningServer } from './server.ts';

/** If closing takes longer than this, something hangs: exit anyway, with a failure code. */
export const FORCE_EXIT_MS = 5000;

/**
 * SIGTERM (docker stop, systemd) and SIGINT (Ctrl+C) close the server gracefully and exit 0.
 * A second signal, or a close that hangs, exits at once with 1.
 */
export function stopOnSignals(
  server: RunningServer,
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  let stopping = false;

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn('shutdown-forced', { signal });
      exit(1);
      return;
    }
    stopping = true;
    const startedAt = Date.now();
    logger.info('shutdown', { signal });

    const hung = setTimeout(() => {
      logger.error('shutdown-timeout', { afterMs: FORCE_EXIT_MS });
      exit(1);
    }, FORCE_EXIT_MS);
    hung.unref();

    server.close().then(
      () => {
        logger.info('stopped', { durationMs: Date.now() - startedAt });
        exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown-failed', { message: String(error) });
        exit(1);
      },
    );
  };

  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
