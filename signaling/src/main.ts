// Entry point: `node signaling/src/main.ts` (Node 22.18+ runs the TypeScript directly).
import { ConfigError, loadConfig, type SignalingConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startSignalingServer } from './server.ts';
import { stopOnSignals } from './shutdown.ts';

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

try {
  const server = await startSignalingServer(config, { logger });
  stopOnSignals(server, logger);
} catch (error) {
  logger.error('start-failed', { message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
