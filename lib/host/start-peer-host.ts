import { Peer } from 'peerjs';
import { browser } from 'wxt/browser';
import { CallStore } from '../call/call-store.ts';
import { ChatStore } from '../chat/chat-store.ts';
import { createHostDownloads } from '../platform/host-downloads.ts';
import { createHostPlatform } from '../platform/host-platform.ts';
import { freeStorageSpace } from '../transfer/free-space.ts';
import { createIncomingFiles } from '../transfer/incoming-files.ts';
import { createOutgoingFiles } from '../transfer/outgoing-files.ts';
import { TransferStore } from '../transfer/transfer-store.ts';
import { VIEW_PORT_NAME } from '../protocol/host-protocol.ts';
import type { Preferences } from '../protocol/host-state.ts';
import { HostServer } from '../protocol/host-server.ts';
import { buildDefaultSettings } from '../settings/default-settings.ts';
import type { Settings } from '../settings/settings.ts';
import { validateSettings } from '../settings/validate-settings.ts';
import { loadOrCreateIdentityKeys } from '../identity/identity-key-store.ts';
import { logger } from '../log.ts';
import { cleanPreferences, DEFAULT_PREFERENCES, PeerHost } from './peer-host.ts';
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

/** The saved preferences, or the defaults. */
export async function loadPreferences(store: PersistentStore): Promise<Preferences> {
  return cleanPreferences(await store.load('preferences')) ?? DEFAULT_PREFERENCES;
}

/**
 * Starts the peer host in this (long-lived) document and serves the views.
 * Chrome: the offscreen document. Firefox: the persistent background page.
 */
export async function startPeerHost(store = new PersistentStore()): Promise<PeerHost> {
  const [identity, identityKeys, settings, preferences, chatStore, transferStore, callStore] =
    await Promise.all([
      loadOrCreateIdentity(store),
      loadOrCreateIdentityKeys(),
      loadSettings(store),
      loadPreferences(store),
      ChatStore.open(),
      TransferStore.open(),
      CallStore.open(),
    ]);
  const platform = createHostPlatform();
  const host = new PeerHost({
    identity,
    identityKeys,
    settings,
    preferences,
    chatStore,
    callStore,
    platform,
    transfers: {
      store: transferStore,
      incoming: createIncomingFiles(),
      outgoing: createOutgoingFiles(),
      downloads: createHostDownloads(platform),
      freeSpace: freeStorageSpace,
    },
    createPeer: (id, options) => new Peer(id, options),
    saveSettings: (next) => store.save('settings', next),
    savePreferences: (next) => store.save('preferences', next),
  });
  const server = new HostServer(host.handlers);
  host.onState((state) => server.publishState(state));
  host.onEvent((event) => server.publishEvent(event));
  browser.runtime.onConnect.addListener((port) => {
    if (port.name === VIEW_PORT_NAME) host.attachView(port);
  });
  await host.start();
  server.publishState(host.state);
  return host;
}
