type Fields = Record<string, unknown>;

/**
 * One line per event, `[parley] event {fields}`, so logs from the host, the service
 * worker and the views read alike (and tests can grep them). Never log message
 * content or secrets: only kinds, sizes and IDs.
 */
function write(level: 'info' | 'warn' | 'error', event: string, fields: Fields = {}): void {
  console[level](`[parley] ${event}`, JSON.stringify(fields));
}

export const logger = {
  info: (event: string, fields?: Fields) => write('info', event, fields),
  warn: (event: string, fields?: Fields) => write('warn', event, fields),
  error: (event: string, fields?: Fields) => write('error', event, fields),
};
