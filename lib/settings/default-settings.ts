import type { IceServerSettings, Settings } from './settings.ts';

/** The build-time defaults, as written in `.env.development` / `.env.production`. */
export interface DefaultSettingsSource {
  signalingUrl?: string | undefined;
  signalingKey?: string | undefined;
  iceUrls?: string | undefined;
}

const DEFAULT_PORTS: Record<string, number> = {
  'http:': 80,
  'ws:': 80,
  'https:': 443,
  'wss:': 443,
};

/**
 * Turns the build's defaults into settings. A malformed URL yields settings that fail
 * validation (empty host), so the host reports it as a status instead of crashing.
 */
export function parseDefaultSettings(source: DefaultSettingsSource): Settings {
  const iceServers: IceServerSettings[] = (source.iceUrls ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean)
    .map((url) => ({ url, username: '', credential: '' }));
  const key = source.signalingKey ?? '';
  try {
    const url = new URL(source.signalingUrl ?? '');
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    return {
      server: {
        host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 443),
        path: url.pathname || '/',
        secure,
        key,
      },
      iceServers,
    };
  } catch {
    return { server: { host: '', port: 443, path: '/', secure: true, key }, iceServers };
  }
}

/** Defaults of this build (see `.env.development`, `.env.production` and the README). */
export function buildDefaultSettings(): Settings {
  return parseDefaultSettings({
    signalingUrl: import.meta.env.WXT_PARLEY_SIGNALING_URL,
    signalingKey: import.meta.env.WXT_PARLEY_SIGNALING_KEY,
    iceUrls: import.meta.env.WXT_PARLEY_ICE_URLS,
  });
}
