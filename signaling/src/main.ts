// Entry point: `node signaling/src/main.ts` (Node 22.18+ runs the TypeScript directly).
import { ConfigError, loadConfig, type SignalingConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startSignalingServer, type RunningServer } from './server.ts';
import { stopOnSignals } from './shutdown.ts';
import { TokenFileError } from './token-file.ts';

/** Exit code for a configuration the operator has to fix; distinct from a crash (1). */
const EXIT_BAD_CONFIG = 2;

let config: SignalingConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\nSee docs/self-hosting.md for every variable.\n`);
  process.exit(EXIT_BAD_CONFIG);
}

const logger = createLogger({ level: config.logLevel });

// Log a crash as one structured line too, so it shows up where every other event does.
process.on('uncaughtException', (error) => {
  logger.error('crash', { message: error.message, stack: error.stack });
  process.exit(1);
});

// Revoking a token is deleting its line and sending SIGHUP (docs/self-hosting.md). Listen
// before the server starts: a SIGHUP sent right after the `listening` line would otherwise
// meet the default action, which ends the process. One that comes early is kept for later.
let running: RunningServer | undefined;
let reloadWhenRunning = false;
if (config.tokensFile) {
  process.on('SIGHUP', () => {
    if (running) running.reloadTokens();
    else reloadWhenRunning = true;
  });
}

try {
  running = await startSignalingServer(config, { logger });
  stopOnSignals(running, logger);
  if (reloadWhenRunning) running.reloadTokens();
} catch (error) {
  if (error instanceof TokenFileError) {
    process.stderr.write(`${error.message}\nSee docs/self-hosting.md, "Per-user tokens".\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  logger.error('start-failed', { message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
