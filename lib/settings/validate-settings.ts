import type { IceServerSettings, ServerSettings, Settings } from './settings.ts';

/**
 * Field names as the options page shows them: `server-host`, `ice-url-0`, …
 * Each maps to one message a person can act on.
 */
export type SettingsErrors = Record<string, string>;

export type SettingsValidation =
  { ok: true; settings: Settings } | { ok: false; errors: SettingsErrors };

export const MAX_ICE_SERVERS = 10;

const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
// PeerJS puts the path and key into the WebSocket URL unescaped, so both are kept to
// characters that need no escaping.
const PATH = /^\/[A-Za-z0-9._~\-/]*$/;
const KEY = /^[A-Za-z0-9._~-]{1,128}$/;
const ICE_URL =
  /^(stun|stuns|turn|turns):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/;

/** An IPv6 literal, with or without brackets, as the URL parser accepts it. */
function isIpv6(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (!bare.includes(':')) return false;
  try {
    new URL(`ws://[${bare}]/`);
    return true;
  } catch {
    return false;
  }
}

function validateHost(input: unknown): string | null {
  const host = typeof input === 'string' ? input.trim() : '';
  if (host === '') return 'Enter the server’s host name.';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host))
    return 'Enter only the host name, without “https://” or “wss://”; use “Secure” for TLS.';
  if (/[/?#]/.test(host))
    return 'Enter only the host name, without a path; the path has its own field.';
  if (HOSTNAME.test(host) || isIpv6(host)) return null;
  if (/:\d+$/.test(host)) return 'Enter the port in its own field, not after the host.';
  return 'This is not a valid host name or IP address.';
}

function validatePort(port: unknown): string | null {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535
    ? null
    : 'Enter a port from 1 to 65535.';
}

function validatePath(path: unknown): string | null {
  if (typeof path !== 'string' || !PATH.test(path))
    return 'Enter a path that starts with “/” and has only letters, digits and . _ ~ - /.';
  return null;
}

function validateKey(key: unknown): string | null {
  if (typeof key !== 'string' || !KEY.test(key))
    return 'Enter the server’s key: 1 to 128 letters, digits or . _ ~ -.';
  return null;
}

function validateIceServer(server: IceServerSettings, index: number, errors: SettingsErrors): void {
  const url = typeof server.url === 'string' ? server.url.trim() : '';
  if (!ICE_URL.test(url)) {
    errors[`ice-url-${index}`] =
      'Enter a STUN or TURN URL such as stun:stun.example.org:3478 or turn:turn.example.org:3478?transport=udp.';
    return;
  }
  if (url.startsWith('turn')) {
    if (typeof server.username !== 'string' || server.username === '')
      errors[`ice-username-${index}`] = 'A TURN server needs a username.';
    if (typeof server.credential !== 'string' || server.credential === '')
      errors[`ice-credential-${index}`] = 'A TURN server needs a credential.';
  }
}

function normalizeHost(host: string): string {
  return host.trim().replace(/^\[(.*)\]$/, '$1');
}

/**
 * Checks settings from any source (the options form, storage, a build default) and
 * returns either clean settings or one message per bad field. Never throws.
 */
export function validateSettings(input: unknown): SettingsValidation {
  const errors: SettingsErrors = {};
  const candidate = (input ?? {}) as Partial<Settings>;
  const server = (candidate.server ?? {}) as Partial<ServerSettings>;
  const iceServers = Array.isArray(candidate.iceServers) ? candidate.iceServers : [];

  const checks: [string, string | null][] = [
    ['server-host', validateHost(server.host)],
    ['server-port', validatePort(server.port)],
    ['server-path', validatePath(server.path)],
    ['server-key', validateKey(server.key)],
  ];
  for (const [field, message] of checks) if (message) errors[field] = message;
  if (typeof server.secure !== 'boolean') errors['server-secure'] = 'Choose whether to use TLS.';
  if (!Array.isArray(candidate.iceServers))
    errors['ice-servers'] = 'The ICE server list is missing.';
  if (iceServers.length > MAX_ICE_SERVERS)
    errors['ice-servers'] = `Enter at most ${MAX_ICE_SERVERS} ICE servers.`;
  iceServers
    .slice(0, MAX_ICE_SERVERS)
    .forEach((entry, index) =>
      validateIceServer((entry ?? {}) as IceServerSettings, index, errors),
    );

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      server: {
        host: normalizeHost(server.host as string),
        port: server.port as number,
        path: server.path as string,
        secure: server.secure as boolean,
        key: server.key as string,
      },
      iceServers: iceServers.map((entry) => {
        const url = entry.url.trim();
        const isTurn = url.startsWith('turn');
        return {
          url,
          username: isTurn ? entry.username : '',
          credential: isTurn ? entry.credential : '',
        };
      }),
    },
  };
}
