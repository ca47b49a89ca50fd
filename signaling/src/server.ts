import type { IncomingMessage } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocket, WebSocketServer } from 'ws';
import { createAddressRateLimit } from './address-rate-limit.ts';
import { errorFrame } from './client-message.ts';
import { DEFAULT_KEY, type SignalingConfig } from './config.ts';
import { createCredentials } from './credentials.ts';
import { DESCRIPTOR_RESERVE } from './descriptor-limit.ts';
import { closeGracefully } from './graceful-close.ts';
import { createGuardedSocketClass, POLICY_VIOLATION } from './guarded-socket.ts';
import { readHandshakeQuery, refusalReason, withKey } from './handshake.ts';
import { healthRoute } from './health.ts';
import { createHttpServer, listen } from './http-server.ts';
import { createLogger, type Logger } from './logger.ts';
import { createOriginCheck } from './origin-policy.ts';
import { watchPeers } from './peer-events.ts';
import { clientAddress } from './proxy-trust.ts';
import { openUpgradeGate } from './upgrade-gate.ts';

/**
 * What a refused credential is swapped for: PeerServer compares it with its random internal
 * key and refuses it as any wrong key, without ever seeing the credential that was tried.
 */
const REFUSED_KEY = 'refused';

/**
 * Client addresses whose connection rate is remembered at once. An entry is a few hundred
 * bytes, so this caps the limiter near a few MB however many addresses a flood rotates.
 */
const MAX_TRACKED_ADDRESSES = 10_000;

export interface RunningServer {
  /** The port actually bound; differs from the configured one when that was 0. */
  readonly port: number;
  /** Base URL, e.g. `http://127.0.0.1:9000`; the health check is `${url}/health`. */
  readonly url: string;
  /** Where PeerJS clients open their WebSocket, e.g. `ws://127.0.0.1:9000/parley/peerjs`. */
  readonly websocketUrl: string;
  /**
   * Refuses new connections, closes every WebSocket with 1001 (going away), and resolves once
   * the HTTP server has closed. Sockets that do not finish closing are cut after a grace period.
   */
  close(): Promise<void>;
  /**
   * Reads PARLEY_TOKENS_FILE again (main.ts calls it on SIGHUP). Clients already connected
   * stay; new ones are checked against the new list.
   */
  reloadTokens(): void;
}

export interface StartOptions {
  /** Defaults to JSON lines on stdout at the configured level. */
  readonly logger?: Logger;
}

/**
 * Starts PeerServer behind Parley's guards: an Origin allowlist on upgrades, validation of
 * every client message before PeerServer sees it, no peer discovery, a health endpoint and
 * structured logs. Rejects if the port cannot be bound, the TLS files cannot be read or the
 * tokens file holds no usable tokens.
 */
export async function startSignalingServer(
  config: SignalingConfig,
  { logger = createLogger({ level: config.logLevel }) }: StartOptions = {},
): Promise<RunningServer> {
  const startedAt = Date.now();
  const credentials = createCredentials({ sharedKey: config.key, tokensFile: config.tokensFile });
  const peerIds = new WeakMap<WebSocket, string>();
  const isAllowedOrigin = createOriginCheck(config.allowedOrigins);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.proxied);
  const remoteOf = (req: IncomingMessage) => clientAddress(req, app.get('trust proxy fn'));
  const server = await createHttpServer(app, config.tls);

  const remotes = new WeakMap<WebSocket, string | undefined>();
  const sockets = new WebSocketServer({
    noServer: true, // upgrades arrive through openUpgradeGate below
    // ws stops reading a bigger message at its header, closes with 1009 and emits 'error'.
    maxPayload: config.maxMessageBytes,
    perMessageDeflate: false, // no decompression bombs, and SDP is small anyway
    WebSocket: createGuardedSocketClass({
      messagesPerSecond: config.messagesPerSecond,
      messageBurst: config.messageBurst,
      onInvalid: (socket, reason, bytes) => {
        socket.send(errorFrame(`Invalid message: ${reason}`));
        logger.warn('malformed-frame', { peer: peerIds.get(socket), reason, bytes });
      },
      onFlood: (socket) => {
        socket.send(errorFrame('Too many messages; disconnecting'));
        socket.close(POLICY_VIOLATION, 'too many messages');
        logger.warn('message-flood', {
          peer: peerIds.get(socket),
          remote: remotes.get(socket),
          messagesPerSecond: config.messagesPerSecond,
        });
      },
    }),
  });
  const connectionRate = createAddressRateLimit({
    ratePerSecond: config.connectionsPerMinute / 60,
    burst: config.connectionsPerMinute,
    maxAddresses: MAX_TRACKED_ADDRESSES,
  });

  let websocketPath: string | undefined;
  const peerServer = ExpressPeerServer(server, {
    path: config.path,
    key: credentials.internalKey,
    concurrent_limit: config.concurrentLimit,
    alive_timeout: config.aliveTimeoutMs,
    expire_timeout: config.expireTimeoutMs,
    allow_discovery: false, // nobody may list who is online
    proxied: false, // trust proxy is set on `app`, which understands every form of it
    corsOptions: {
      origin: (origin: string | undefined, callback: (error: null, allow: boolean) => void) =>
        callback(null, isAllowedOrigin(origin)),
    },
    createWebSocketServer: (options) => {
      websocketPath = options.path;
      return sockets;
    },
  });
  peerServer.disable('x-powered-by');

  const connectedPeers = watchPeers(peerServer, logger);

  app.get(
    '/health',
    healthRoute(() => connectedPeers.size, startedAt),
  );
  app.use(peerServer); // mounting makes PeerServer create its WebSocket layer via `sockets`
  if (websocketPath === undefined) {
    throw new Error('PeerServer did not create its WebSocket server');
  }

  // Runs after PeerServer's own 'connection' listener, so a refused socket is already closing.
  sockets.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    remotes.set(socket, remoteOf(req));
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return;
      logger.warn('oversized-message', {
        peer: peerIds.get(socket),
        remote: remotes.get(socket),
        maxMessageBytes: config.maxMessageBytes,
      });
    });
    const query = readHandshakeQuery(req.url);
    if (socket.readyState === WebSocket.OPEN && query.id) {
      peerIds.set(socket, query.id);
      return;
    }
    logger.warn('client-refused', {
      reason: refusalReason(query, { ...config, key: credentials.internalKey, connectedPeers }),
      peer: query.id,
      remote: remoteOf(req),
    });
  });

  const gate = openUpgradeGate(server, sockets, {
    path: websocketPath,
    isAllowedOrigin,
    // Unknown addresses share one bucket: they are rare (a closed socket) and suspicious.
    takeConnection: (req) => connectionRate.take(remoteOf(req) ?? 'unknown'),
    onRefused: (req, reason) => {
      const fields = { reason, origin: req.headers.origin, remote: remoteOf(req) };
      if (reason === 'unknown-path') logger.debug('upgrade-refused', fields);
      else logger.warn('upgrade-refused', fields);
    },
    rewriteUrl: (url) => {
      const presented = readHandshakeQuery(url).key;
      if (presented === undefined) return url;
      return withKey(url, credentials.admits(presented) ? credentials.internalKey : REFUSED_KEY);
    },
  });

  await listen(server, config.port, config.host);
  server.on('error', (error) => logger.error('server-error', { message: error.message }));

  const { port } = server.address() as AddressInfo;
  const url = `${config.tls ? 'https' : 'http'}://${urlHost(config.host)}:${port}`;
  const websocketUrl = `${url.replace(/^http/, 'ws')}${websocketPath}`;
  logger.info('listening', {
    url,
    websocketUrl,
    tls: config.tls !== null,
    allowedOrigins: config.allowedOrigins,
    concurrentLimit: config.concurrentLimit,
    openFilesLimit: config.openFilesLimit,
    sharedKey: config.key !== null,
    issuedTokens: config.tokensFile === null ? null : credentials.tokenCount,
    connectionsPerMinute: config.connectionsPerMinute,
    messagesPerSecond: config.messagesPerSecond,
    messageBurst: config.messageBurst,
    maxMessageBytes: config.maxMessageBytes,
  });
  const room = roomForClients(config.openFilesLimit);
  if (room !== undefined && config.concurrentLimit > room) {
    logger.warn('concurrent-limit-above-descriptors', {
      message: `clients beyond ${room} may fail to connect: raise ulimit -n or lower PARLEY_CONCURRENT_LIMIT`,
      concurrentLimit: config.concurrentLimit,
      openFilesLimit: config.openFilesLimit,
    });
  }
  if (config.key === DEFAULT_KEY) {
    logger.warn('default-key', {
      message: 'PARLEY_KEY is the public default; set a secret key to keep strangers out',
    });
  }

  let closing: Promise<void> | undefined;
  return {
    port,
    url,
    websocketUrl,
    close: () => (closing ??= closeGracefully({ server, sockets, gate })),
    reloadTokens: () => {
      const result = credentials.reload();
      if (result.ok) logger.info('tokens-reloaded', { issuedTokens: result.tokens });
      else logger.error('tokens-reload-failed', { message: result.message, issuedTokens: 0 });
    },
  };
}

/** Clients the soft descriptor limit leaves room for, when it is known and finite. */
function roomForClients(openFilesLimit: number | 'unlimited' | null): number | undefined {
  return typeof openFilesLimit === 'number' ? openFilesLimit - DESCRIPTOR_RESERVE : undefined;
}

/** A host as it appears in a URL: wildcard binds become localhost, IPv6 gets brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return isIP(host) === 6 ? `[${host}]` : host;
}
