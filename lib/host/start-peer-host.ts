import { Peer } from 'peerjs';
import { HostServer } from '../protocol/host-server.ts';
import { buildDefaultSettings } from '../settings/default-settings.ts';
import type { Settings } from '../settings/settings.ts';
import { validateSettings } from '../settings/validate-settings.ts';
import { logger } from '../log.ts';
import { PeerHost } from './peer-host.ts';
import { createPeerIdentity, isPeerIdentity, type PeerIdentity } from './peer-identity.ts';
import { PersistentStore } from './persistent-store.ts';

/** The saved identity, or a new one that is saved before it is ever used. */
export async function loadOrCreateIdentity(store: PersistentStore): Promise<PeerIdentity> {
  const saved = await store.load('identity');
  if (isPeerIdentity(saved)) return saved;
  if (saved !== undefined) logger.error('identity-unreadable', { kind: typeof saved });
  const identity = createPeerIdentity();
  await store.save('identity', identity);
  logger.info('identity-created', { peerId: identity.peerId });
  return identity;
}

/** The saved settings if they are still valid, else this build's defaults. */
export async function loadSettings(store: PersistentStore): Promise<Settings> {
  const saved = await store.load('settings');
  if (saved === undefined) return buildDefaultSettings();
  const checked = validateSettings(saved);
  if (checked.ok) return checked.settings;
  logger.error('settings-unreadable', { fields: Object.keys(checked.errors) });
  return buildDefaultSettings();
}

/**
 * Starts the peer host in this (long-lived) document and serves the views.
 * Chrome: the offscreen document. Firefox: the persistent background page.
 */
export async function startPeerHost(store = new PersistentStore()): Promise<PeerHost> {
  const [identity, settings] = await Promise.all([
    loadOrCreateIdentity(store),
    loadSettings(store),
  ]);
  const host = new PeerHost({
    identity,
    settings,
    createPeer: (id, options) => new Peer(id, options),
    saveSettings: (next) => store.save('settings', next),
  });
  const server = new HostServer(host.handlers);
  host.onState((state) => server.publishState(state));
  host.start();
  server.publishState(host.state);
  return host;
}
