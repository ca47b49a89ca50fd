import type { DataConnection } from 'peerjs';
import { CallService } from '../call/call-service.ts';
import type { CallStore } from '../call/call-store.ts';
import type { CallSummary } from '../call/call-types.ts';
import type { ChatMessage } from '../chat/chat-message.ts';
import { ChatService } from '../chat/chat-service.ts';
import type { ChatStore } from '../chat/chat-store.ts';
import { ContactLinks } from '../contacts/contact-links.ts';
import { cleanName } from '../contacts/clean-name.ts';
import { displayName, type Contact } from '../contacts/contact.ts';
import { logger } from '../log.ts';
import type { HostPlatform } from '../platform/host-platform.ts';
import { callNotificationId, MESSAGE_NOTIFICATION_PREFIX } from '../platform/platform-request.ts';
import type { HostHandlers } from '../protocol/host-server.ts';
import type {
  ActionResult,
  ConnectionState,
  HostEvent,
  HostState,
  PeerPresence,
  Preferences,
} from '../protocol/host-state.ts';
import type { Settings } from '../settings/settings.ts';
import { validateSettings } from '../settings/validate-settings.ts';
import { ContactKeys } from '../identity/contact-keys.ts';
import { HANDSHAKE_TIMEOUT_MS, identityHandshake } from '../identity/identity-handshake.ts';
import type { IdentityKeys } from '../identity/identity-keys.ts';
import { verificationCode } from '../identity/safety-number.ts';
import { normalizePeerId, type PeerIdentity } from './peer-identity.ts';
import { probePeer } from './presence-probe.ts';
import { SignalingSession, type CreatePeer } from './signaling-session.ts';
import { ViewRegistry, type ViewPort } from './view-registry.ts';
import { throttleLatest } from './throttle-latest.ts';
import { formatBytes } from '../transfer/format-bytes.ts';
import { TransferService, type TransferServiceOptions } from '../transfer/transfer-service.ts';
import type { TransferSummary } from '../transfer/transfer-summary.ts';

export interface PeerHostOptions {
  identity: PeerIdentity;
  /** This installation's identity keys (lib/identity): the handshake signs with them. */
  identityKeys: IdentityKeys;
  settings: Settings;
  preferences: Preferences;
  createPeer: CreatePeer;
  chatStore: ChatStore;
  /** Where ended calls are kept (see CallService). */
  callStore: CallStore;
  platform: HostPlatform;
  saveSettings: (settings: Settings) => Promise<void>;
  savePreferences: (preferences: Preferences) => Promise<void>;
  /** The file-transfer engine's storage, disk and downloads (see TransferService). */
  transfers: Pick<
    TransferServiceOptions,
    'store' | 'incoming' | 'outgoing' | 'downloads' | 'freeSpace'
  >;
}

export const DEFAULT_PREFERENCES: Preferences = { displayName: '', notificationsMuted: false };

/** The toolbar badge changes at most this often (see #setBadge). */
const BADGE_INTERVAL_MS = 250;
/** Transfer progress reaches the views at most this often. */
const TRANSFER_PROGRESS_INTERVAL_MS = 250;

/**
 * A presence check from another peer (metadata kind 'probe') is closed after this long;
 * it carries nothing.
 */
const PROBE_CONNECTION_MS = 30_000;
const NOTIFICATION_TEXT_LENGTH = 200;

/**
 * The long-lived peer: owns the signaling session, the links to contacts and the chat,
 * answers the views' requests and tells them about every change.
 */
export class PeerHost {
  readonly #identity: PeerIdentity;
  readonly #options: PeerHostOptions;
  readonly #session: SignalingSession;
  readonly #links: ContactLinks;
  readonly #transfers: TransferService;
  readonly #calls: CallService;
  readonly #chat: ChatService;
  readonly #keys: ContactKeys;
  readonly #views: ViewRegistry;
  readonly #stateListeners = new Set<(state: HostState) => void>();
  readonly #eventListeners = new Set<(event: HostEvent) => void>();
  #settings: Settings;
  #preferences: Preferences;
  #connection: ConnectionState;
  /** What the toolbar badge shows now: the unread count, or that a call rings. */
  #badge = '';
  /** The ringing call whose notification is up, if any. */
  #ringingNotification: string | null = null;
  /**
   * In Chrome every badge change is a message to the service worker; a burst of messages
   * would send one each. The count on the icon may lag a burst by up to this long.
   */
  readonly #setBadge = throttleLatest(
    BADGE_INTERVAL_MS,
    ({ count, ringing }: { count: number; ringing: boolean }) =>
      this.#options.platform.request({ op: 'badge', count, ringing }),
  );
  #publishQueued = false;

  constructor(options: PeerHostOptions) {
    this.#options = options;
    this.#identity = options.identity;
    this.#settings = options.settings;
    this.#preferences = options.preferences;
    this.#session = new SignalingSession({
      identity: options.identity,
      settings: options.settings,
      createPeer: options.createPeer,
      onState: (connection) => {
        this.#connection = connection;
        if (connection.phase === 'online') this.#links.retryAllNow();
        this.#publish();
      },
      onConnection: (connection) => this.#incoming(connection),
    });
    this.#connection = this.#session.state;
    this.#links = new ContactLinks({
      ownId: options.identity.peerId,
      handshake: identityHandshake({
        ownId: options.identity.peerId,
        keys: options.identityKeys,
        judge: (peerId, key) => this.#keys.judge(peerId, key),
        timeoutMs: HANDSHAKE_TIMEOUT_MS,
      }),
      onRefused: (peerId, outcome) => this.#keys.refused(peerId, outcome),
      peer: () => this.#session.onlinePeer,
      blocked: (peerId) => this.#chat.isBlocked(peerId),
      known: (peerId) => this.#chat.isKnown(peerId),
      onOpen: (peerId) => {
        this.#chat.linkOpened(peerId);
        this.#transfers.linkOpened(peerId);
      },
      onClose: (peerId) => {
        this.#chat.linkClosed();
        this.#transfers.linkClosed(peerId);
        this.#calls.linkClosed(peerId);
      },
      onData: (peerId, data) => this.#chat.frameArrived(peerId, data),
    });
    this.#views = new ViewRegistry(() => {
      this.#chat.viewsChanged();
      // A conversation on screen needs no notification any more.
      for (const peerId of this.#views.visibleConversations())
        options.platform.request({
          op: 'clear-notification',
          id: `${MESSAGE_NOTIFICATION_PREFIX}${peerId}`,
        });
    });
    this.#chat = new ChatService({
      ownId: options.identity.peerId,
      store: options.chatStore,
      transport: this.#links,
      ownName: () => this.#preferences.displayName,
      visibleConversations: () => this.#views.visibleConversations(),
      onUnseenMessage: (contact, message) => this.#notify(contact, message),
      onChange: () => this.#publish(),
      onEvent: (event) => this.#emit(event),
      onFileFrame: (peerId, frame) => this.#transfers.frameArrived(peerId, frame),
      onCallFrame: (peerId, frame) => this.#calls.frameArrived(peerId, frame),
      provenKey: (peerId) => this.#keys.provenKey(peerId),
    });
    this.#keys = new ContactKeys({
      ownId: options.identity.peerId,
      ownKey: options.identityKeys.publicKey,
      records: this.#chat,
      onChange: () => this.#publish(),
    });
    this.#calls = new CallService({
      links: this.#links,
      store: options.callStore,
      isAccepted: (peerId) => this.#chat.isAccepted(peerId),
      nameOf: (peerId) => this.#nameOf(peerId),
      openCallPage: (callId) => options.platform.request({ op: 'open-call', callId }),
      onRinging: (call) => this.#notifyCall(call),
      onChange: () => this.#publish(),
      onEvent: (event) => this.#emit(event),
    });
    // Every chunk changes a transfer's progress: views hear of it a few times a second.
    const publishProgress = throttleLatest(TRANSFER_PROGRESS_INTERVAL_MS, () => this.#publish());
    this.#transfers = new TransferService({
      ...options.transfers,
      ownId: options.identity.peerId,
      links: this.#links,
      isAccepted: (peerId) => this.#chat.isAccepted(peerId),
      onChange: () => publishProgress(undefined),
      onOffer: (offer) => this.#notifyOffer(offer),
    });
  }

  get state(): HostState {
    return {
      peerId: this.#identity.peerId,
      identityKey: this.#options.identityKeys.publicKey,
      verificationCode: verificationCode(
        this.#identity.peerId,
        this.#options.identityKeys.publicKey,
      ),
      connection: this.#connection,
      settings: this.#settings,
      preferences: this.#preferences,
      contacts: this.#chat.summaries().map((contact) => ({
        ...contact,
        autoAcceptBytes: this.#transfers.autoAcceptLimit(contact.peerId),
        alarm: this.#keys.alarmOf(contact),
        safetyNumber: this.#keys.safetyNumberOf(contact),
      })),
      unreadTotal: this.#chat.unreadTotal,
      transfers: this.#transfers.summaries(),
      calls: this.#calls.summaries(),
    };
  }

  onState(listener: (state: HostState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** A view opened its presence port. */
  attachView(port: ViewPort): void {
    this.#views.attach(port);
  }

  async start(): Promise<void> {
    logger.info('host-started', { peerId: this.#identity.peerId });
    await Promise.all([this.#chat.start(), this.#transfers.start(), this.#calls.start()]);
    this.#session.start();
    this.#publish();
  }

  stop(): void {
    this.#links.closeAll();
    this.#session.stop();
  }

  readonly handlers: HostHandlers = {
    getState: () => this.state,
    saveSettings: async (input) => {
      const checked = validateSettings(input);
      if (!checked.ok) return { saved: false, errors: checked.errors };
      // Saving what is already in force changes nothing: no reason to drop the connection.
      if (JSON.stringify(checked.settings) === JSON.stringify(this.#settings))
        return { saved: true };
      await this.#options.saveSettings(checked.settings);
      this.#settings = checked.settings;
      logger.info('settings-saved', { server: checked.settings.server.host });
      this.#publish();
      this.#session.applySettings(checked.settings);
      return { saved: true };
    },
    savePreferences: async (input) => {
      const preferences = cleanPreferences(input);
      if (!preferences) return { ok: false, error: 'Those preferences are not valid.' };
      await this.#options.savePreferences(preferences);
      this.#preferences = preferences;
      this.#publish();
      return { ok: true };
    },
    checkPeer: ({ peerId }) => this.#checkPeer(peerId),
    addContact: ({ peerId, nickname }) => this.#chat.addContact(peerId, nickname),
    answerRequest: ({ peerId, accept }) => this.#chat.answerRequest(peerId, accept === true),
    renameContact: ({ peerId, nickname }) => this.#chat.renameContact(peerId, nickname),
    removeContact: ({ peerId }) =>
      this.#thenForgetTransfers(peerId, this.#chat.removeContact(peerId)),
    blockContact: ({ peerId }) =>
      this.#thenForgetTransfers(peerId, this.#chat.blockContact(peerId)),
    unblockContact: ({ peerId }) => this.#chat.unblockContact(peerId),
    acceptContactKey: async ({ peerId }) => {
      const result = await this.#keys.acceptKey(peerId);
      if (result.ok) this.#links.retryNow(peerId);
      return result;
    },
    setContactVerified: ({ peerId, verified }) => this.#keys.setVerified(peerId, verified === true),
    verifyContactCode: ({ peerId, code }) => this.#keys.verifyCode(peerId, code),
    sendMessage: ({ peerId, text }) => this.#chat.sendMessage(peerId, text),
    getConversation: ({ peerId, limit }) => this.#chat.conversation(peerId, limit),
    sendFiles: ({ peerId, files }) =>
      this.#transfers.sendFiles(peerId, Array.isArray(files) ? files : []),
    answerTransfer: ({ id, accept }) => this.#transfers.answer(id, accept === true),
    reattachFile: ({ id, file }) => this.#transfers.reattach(id, file),
    cancelTransfer: ({ id }) => this.#transfers.cancel(id),
    setAutoAccept: ({ peerId, bytes }) => this.#transfers.setAutoAcceptLimit(peerId, bytes),
    showDownload: ({ id }) => this.#transfers.showDownload(id),
    startCall: ({ peerId, video }) => this.#calls.startCall(peerId, video === true),
    answerCall: ({ callId, accept }) => this.#calls.answerCall(callId, accept === true),
    endCall: ({ callId, reason }) => this.#calls.endCall(callId, reason === 'failed'),
    sendCallSignal: ({ callId, signal }) => this.#calls.sendSignal(callId, signal),
    setCallMedia: ({ callId, media }) => this.#calls.setMedia(callId, media),
    callConnected: ({ callId }) => this.#calls.connected(callId),
  };

  /** A contact removed or blocked takes its transfers and calls with it. */
  async #thenForgetTransfers(peerId: string, done: Promise<ActionResult>): Promise<ActionResult> {
    const result = await done;
    if (result.ok)
      await Promise.all([this.#transfers.forgetPeer(peerId), this.#calls.forgetPeer(peerId)]);
    return result;
  }

  #emit(event: HostEvent): void {
    for (const listener of this.#eventListeners) listener(event);
  }

  #nameOf(peerId: string): string {
    const contact = this.#chat.summaries().find((candidate) => candidate.peerId === peerId);
    return contact ? displayName(contact) : peerId;
  }

  async #checkPeer(input: unknown): Promise<PeerPresence> {
    const peerId = typeof input === 'string' ? normalizePeerId(input) : null;
    if (!peerId) return { presence: 'error', message: 'That is not a valid peer ID.' };
    if (peerId === this.#identity.peerId)
      return { presence: 'error', message: 'That is your own peer ID.' };
    const peer = this.#session.onlinePeer;
    if (!peer) return { presence: 'error', message: 'You are offline, so no peer can be reached.' };
    const presence = await probePeer(peer, peerId);
    logger.info('peer-checked', { peerId, presence: presence.presence });
    return presence;
  }

  #incoming(connection: DataConnection): void {
    const metadata = connection.metadata as { kind?: unknown } | undefined;
    if (metadata?.kind === 'probe') {
      // A presence check: it carries nothing, and is closed if its sender does not.
      const timer = setTimeout(() => connection.close(), PROBE_CONNECTION_MS);
      connection.on('close', () => clearTimeout(timer));
      connection.on('error', () => connection.close());
      return;
    }
    this.#links.adopt(connection);
  }

  #notify(contact: Contact, message: ChatMessage): void {
    if (this.#preferences.notificationsMuted || this.#views.isPopupOpen()) return;
    const text =
      message.text.length > NOTIFICATION_TEXT_LENGTH
        ? `${message.text.slice(0, NOTIFICATION_TEXT_LENGTH)}…`
        : message.text;
    this.#options.platform.request({
      op: 'notify',
      id: `${MESSAGE_NOTIFICATION_PREFIX}${contact.peerId}`,
      title: displayName(contact),
      message: text,
    });
  }

  /**
   * A call rings in. Unlike a message, it is notified even with the popup open (the popup
   * may show another conversation) unless notifications are muted; the popup's banner
   * shows it too. Chrome's buttons answer it; a click (the only way in Firefox, which has
   * no buttons) opens the conversation, whose banner has Accept and Decline.
   */
  #notifyCall(call: CallSummary): void {
    if (this.#preferences.notificationsMuted) return;
    const id = callNotificationId(call.callId, call.peerId);
    this.#ringingNotification = id;
    this.#options.platform.request({
      op: 'notify',
      id,
      title: this.#nameOf(call.peerId),
      message: call.video ? 'Video call' : 'Audio call',
      buttons: ['Accept', 'Decline'],
      requireInteraction: true,
    });
  }

  /** The ringing call's notification goes once it stops ringing. */
  #clearCallNotification(calls: CallSummary[]): void {
    const id = this.#ringingNotification;
    if (!id) return;
    const stillRinging = calls.some(
      (call) => call.state === 'ringing' && id === callNotificationId(call.callId, call.peerId),
    );
    if (stillRinging) return;
    this.#ringingNotification = null;
    this.#options.platform.request({ op: 'clear-notification', id });
  }

  #notifyOffer(offer: TransferSummary): void {
    if (this.#preferences.notificationsMuted || this.#views.isPopupOpen()) return;
    const contact = this.#chat.summaries().find((candidate) => candidate.peerId === offer.peerId);
    this.#options.platform.request({
      op: 'notify',
      id: `${MESSAGE_NOTIFICATION_PREFIX}${offer.peerId}`,
      title: contact ? displayName(contact) : offer.peerId,
      message: `Offers a file: ${offer.name} (${formatBytes(offer.size)})`,
    });
  }

  /**
   * Tells the views the state, once per turn of the event loop: one message often changes
   * it several times in a row (stored, sent, unread, presence), and each push costs every
   * open view a render.
   */
  #publish(): void {
    if (this.#publishQueued) return;
    this.#publishQueued = true;
    queueMicrotask(() => {
      this.#publishQueued = false;
      this.#publishNow();
    });
  }

  #publishNow(): void {
    const state = this.state;
    const ringing = state.calls.some((call) => call.state === 'ringing' && call.direction === 'in');
    const badge = ringing ? 'ringing' : String(state.unreadTotal);
    if (badge !== this.#badge) {
      this.#badge = badge;
      this.#setBadge({ count: state.unreadTotal, ringing });
    }
    this.#clearCallNotification(state.calls);
    for (const listener of this.#stateListeners) listener(state);
  }
}

/** Preferences from a view, checked: `null` if they are not preferences at all. */
export function cleanPreferences(input: unknown): Preferences | null {
  const candidate = input as Partial<Preferences> | null;
  if (typeof candidate !== 'object' || candidate === null) return null;
  if (
    typeof candidate.displayName !== 'string' ||
    typeof candidate.notificationsMuted !== 'boolean'
  )
    return null;
  return {
    displayName: cleanName(candidate.displayName),
    notificationsMuted: candidate.notificationsMuted,
  };
}
