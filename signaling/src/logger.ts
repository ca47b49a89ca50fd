/** Severity of a log line; `silent` turns logging off (tests use it to keep output clean). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

type LogValue = string | number | boolean | null | undefined | readonly string[];

/**
 * Extra fields of one line. `time`, `level` and `event` are reserved for the logger.
 * Never put message payloads (SDP, candidates, metadata) or tokens here: only peer IDs,
 * message types, sizes and reasons.
 */
export type LogFields = Readonly<Record<string, LogValue>> & {
  readonly time?: never;
  readonly level?: never;
  readonly event?: never;
};

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where each finished line goes; stdout by default, one JSON object per line. */
  readonly write?: (line: string) => void;
}

const SEVERITY: Readonly<Record<LogLevel, number>> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: Infinity,
};

/**
 * Structured logging: one JSON object per line, so a log collector (docker logs, journald,
 * Loki) can filter by `event` without parsing prose.
 */
export function createLogger({
  level,
  write = (line) => process.stdout.write(`${line}\n`),
}: LoggerOptions): Logger {
  const log =
    (lineLevel: Exclude<LogLevel, 'silent'>) =>
    (event: string, fields: LogFields = {}): void => {
      if (SEVERITY[lineLevel] < SEVERITY[level]) return;
      write(JSON.stringify({ time: new Date().toISOString(), level: lineLevel, event, ...fields }));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
