import { isIP } from 'node:net';
import { resolve } from 'node:path';
import {
  concurrentLimitFor,
  MAX_CONCURRENT_LIMIT,
  readOwnLimits,
  softOpenFilesLimit,
} from './descriptor-limit.ts';
import { LOG_LEVELS, type LogLevel } from './logger.ts';
import { ANY_ORIGIN, normalizeOriginEntry } from './origin-policy.ts';
import { parseTrustProxy, type TrustProxy } from './proxy-trust.ts';

export interface TlsFiles {
  /** PEM certificate chain. */
  readonly certFile: string;
  /** PEM private key. */
  readonly keyFile: string;
}

/** Everything the server needs, read once from the environment at start-up. */
export interface SignalingConfig {
  readonly host: string;
  /** 0 asks the OS for a free port (tests do this). */
  readonly port: number;
  /** Mount path without a trailing slash (or `/`); WebSockets live at `<path>/peerjs`. */
  readonly path: string;
  /**
   * The shared PeerJS API key a client may present; null when only issued tokens are
   * accepted (PARLEY_TOKENS_FILE set, PARLEY_KEY not).
   */
  readonly key: string | null;
  /** Absolute path of the issued tokens (see token-file.ts), or null for none. */
  readonly tokensFile: string | null;
  /** Serve HTTPS/WSS with these files; null for plain HTTP (e.g. behind a TLS proxy). */
  readonly tls: TlsFiles | null;
  /** Normalized allowlist entries, or just `*`. */
  readonly allowedOrigins: readonly string[];
  /** Most clients at once: PARLEY_CONCURRENT_LIMIT, else what `ulimit -n` leaves room for. */
  readonly concurrentLimit: number;
  /** The soft `ulimit -n` read at start-up; null where it cannot be read. */
  readonly openFilesLimit: number | 'unlimited' | null;
  readonly aliveTimeoutMs: number;
  readonly expireTimeoutMs: number;
  readonly proxied: TrustProxy;
  readonly logLevel: LogLevel;
  /** New WebSocket connections one client address may open per minute (also the burst). */
  readonly connectionsPerMinute: number;
  /** Messages one connection may send per second on average… */
  readonly messagesPerSecond: number;
  /** …and at once, e.g. the ICE candidates gathered right after an offer. */
  readonly messageBurst: number;
  /** Largest WebSocket message; a bigger one closes the connection unread (1009). */
  readonly maxMessageBytes: number;
}

export const DEFAULT_KEY = 'parley';

export const DEFAULTS = {
  host: '0.0.0.0',
  port: 9000,
  path: '/parley',
  key: DEFAULT_KEY,
  allowedOrigins: [ANY_ORIGIN],
  // PeerJS clients send a heartbeat every 5 s; a minute of silence means the peer is gone.
  aliveTimeoutMs: 60_000,
  // How long an offer waits for an offline peer before its sender is told EXPIRE.
  expireTimeoutMs: 5_000,
  proxied: false,
  logLevel: 'info',
  // A browser opens one connection per session and reconnects after a network change, so a
  // minute's worth lets a household behind one NAT restart together without a refusal.
  connectionsPerMinute: 60,
  // PeerJS sends a heartbeat every 5 s; a call setup sends an offer and a few dozen ICE
  // candidates at once. Far above both, far below what a flood needs.
  messagesPerSecond: 20,
  messageBurst: 100,
  // One SDP with many codecs and candidates is ~20 KB; 64 KiB leaves room and no more.
  maxMessageBytes: 64 * 1024,
} as const satisfies Omit<
  SignalingConfig,
  'tls' | 'tokensFile' | 'concurrentLimit' | 'openFilesLimit'
>;

/** Thrown when the environment holds bad values; the message lists every one of them. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid signaling server configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

// The key travels unescaped in PeerJS's query string and in the `/<key>/id` route.
const KEY_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;
const PATH_PATTERN = /^(\/[A-Za-z0-9._~-]+)*\/?$/;
const HOSTNAME_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/**
 * Reads `PARLEY_*` variables, applying the documented defaults (docs/self-hosting.md).
 * Empty values count as unset, so `PARLEY_KEY=${PARLEY_KEY}` in a compose file is harmless.
 * The default concurrent limit comes from `limitsText` (this process's /proc/self/limits).
 * @throws {ConfigError} naming every bad variable at once.
 */
export function loadConfig(
  env: Env,
  limitsText: string | undefined = readOwnLimits(),
): SignalingConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => env[name]?.trim() || undefined;

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (/^\d+$/.test(raw) && value >= min && value <= max) return value;
    problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
    return fallback;
  };

  const host = read('PARLEY_HOST') ?? DEFAULTS.host;
  if (isIP(host) === 0 && !HOSTNAME_PATTERN.test(host)) {
    problems.push(`PARLEY_HOST: expected an IP address or host name, got "${host}"`);
  }

  const port = integer('PARLEY_PORT', DEFAULTS.port, 0, 65_535);

  const rawPath = read('PARLEY_PATH') ?? DEFAULTS.path;
  if (!PATH_PATTERN.test(rawPath) || rawPath.split('/').some((s) => s === '.' || s === '..')) {
    problems.push(`PARLEY_PATH: expected a path such as /parley, got "${rawPath}"`);
  }
  const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath;

  const rawTokensFile = read('PARLEY_TOKENS_FILE');
  const tokensFile = rawTokensFile === undefined ? null : resolve(rawTokensFile);
  // With issued tokens, the public default key must not also let everyone in.
  const key = read('PARLEY_KEY') ?? (tokensFile ? null : DEFAULTS.key);
  if (key !== null && !KEY_PATTERN.test(key)) {
    problems.push('PARLEY_KEY: expected 1 to 128 characters from A-Z a-z 0-9 . _ ~ -');
  }

  const certFile = read('PARLEY_TLS_CERT');
  const keyFile = read('PARLEY_TLS_KEY');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push('PARLEY_TLS_CERT and PARLEY_TLS_KEY: set both (to serve HTTPS/WSS) or neither');
  }
  const tls = certFile && keyFile ? { certFile, keyFile } : null;

  const allowedOrigins = readOrigins(read('PARLEY_ALLOWED_ORIGINS'), problems);

  const concurrentLimit = integer(
    'PARLEY_CONCURRENT_LIMIT',
    concurrentLimitFor(limitsText),
    1,
    MAX_CONCURRENT_LIMIT,
  );
  const aliveTimeoutMs = integer('PARLEY_ALIVE_TIMEOUT_MS', DEFAULTS.aliveTimeoutMs, 1000, 36e5);
  const expireTimeoutMs = integer('PARLEY_EXPIRE_TIMEOUT_MS', DEFAULTS.expireTimeoutMs, 1, 36e5);

  const connectionsPerMinute = integer(
    'PARLEY_CONNECTIONS_PER_MINUTE',
    DEFAULTS.connectionsPerMinute,
    1,
    1e6,
  );
  const messagesPerSecond = integer(
    'PARLEY_MESSAGES_PER_SECOND',
    DEFAULTS.messagesPerSecond,
    1,
    1e6,
  );
  const messageBurst = integer('PARLEY_MESSAGE_BURST', DEFAULTS.messageBurst, 1, 1e6);
  // Below 4 KiB not even a small SDP fits; above 16 MiB a few clients could exhaust memory.
  const maxMessageBytes = integer(
    'PARLEY_MAX_MESSAGE_BYTES',
    DEFAULTS.maxMessageBytes,
    4096,
    16 * 1024 * 1024,
  );

  let proxied: TrustProxy = DEFAULTS.proxied;
  const rawProxied = read('PARLEY_PROXIED');
  if (rawProxied !== undefined) {
    const result = parseTrustProxy(rawProxied);
    if (result.ok) proxied = result.value;
    else problems.push(`PARLEY_PROXIED: ${result.reason}`);
  }

  const logLevel = (read('PARLEY_LOG_LEVEL') ?? DEFAULTS.logLevel) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`PARLEY_LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    host,
    port,
    path,
    key,
    tokensFile,
    tls: tls && Object.freeze(tls),
    allowedOrigins: Object.freeze(allowedOrigins),
    concurrentLimit,
    openFilesLimit: softOpenFilesLimit(limitsText) ?? null,
    aliveTimeoutMs,
    expireTimeoutMs,
    proxied,
    logLevel,
    connectionsPerMinute,
    messagesPerSecond,
    messageBurst,
    maxMessageBytes,
  });
}

function readOrigins(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) return [...DEFAULTS.allowedOrigins];
  const entries: string[] = [];
  for (const item of raw.split(',').filter((part) => part.trim())) {
    const result = normalizeOriginEntry(item);
    if (result.ok) entries.push(result.entry);
    else problems.push(`PARLEY_ALLOWED_ORIGINS: ${result.reason}`);
  }
  if (entries.includes(ANY_ORIGIN) && entries.length > 1) {
    problems.push('PARLEY_ALLOWED_ORIGINS: "*" already allows everything; list origins or use "*"');
  }
  if (entries.length === 0 && !problems.some((p) => p.startsWith('PARLEY_ALLOWED_ORIGINS'))) {
    problems.push('PARLEY_ALLOWED_ORIGINS: expected "*" or a comma-separated list of origins');
  }
  return entries;
}
