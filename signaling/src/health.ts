import type { RequestHandler } from 'express';

export interface HealthReport {
  readonly status: 'ok';
  /** Peers currently registered (connected and holding an ID). */
  readonly clients: number;
  readonly uptimeSeconds: number;
}

/**
 * `GET /health`: for container health checks, uptime monitors and the extension's
 * "test connection" button. Counts only; never lists who is online.
 */
export function healthRoute(connectedCount: () => number, startedAt: number): RequestHandler {
  return (_req, res) => {
    const report: HealthReport = {
      status: 'ok',
      clients: connectedCount(),
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
    };
    res.set('Cache-Control', 'no-store').json(report);
  };
}
