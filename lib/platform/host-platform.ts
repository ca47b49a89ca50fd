import { browser } from 'wxt/browser';
import { logger } from '../log.ts';
import { applyPlatformRequest, type PlatformRequest } from './platform-request.ts';

type Operation = PlatformRequest extends infer R
  ? R extends PlatformRequest
    ? Omit<R, 'type'>
    : never
  : never;

/** The host's way to reach the toolbar badge and notifications, in either browser. */
export interface HostPlatform {
  request(operation: Operation): void;
}

/**
 * Firefox's background page has the APIs itself; Chrome's offscreen document hands the
 * request to the service worker.
 */
export function createHostPlatform(): HostPlatform {
  const direct = import.meta.env.BROWSER === 'firefox';
  return {
    request(operation) {
      const request = { type: 'parley:platform', ...operation } as PlatformRequest;
      const done = direct
        ? applyPlatformRequest(browser, request)
        : browser.runtime.sendMessage(request);
      done.catch((error: unknown) =>
        logger.warn('platform-request-failed', { op: operation.op, error: String(error) }),
      );
    },
  };
}
