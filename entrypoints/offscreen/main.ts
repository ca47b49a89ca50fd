import { startPeerHost } from '../../lib/host/start-peer-host.ts';
import { logger } from '../../lib/log.ts';

// Chrome's offscreen document: the long-lived home of the peer host (see background.ts).
startPeerHost().catch((error: unknown) =>
  logger.error('host-start-failed', { error: String(error) }),
);
