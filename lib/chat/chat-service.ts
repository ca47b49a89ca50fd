import { cleanName } from '../contacts/clean-name.ts';
import type { Contact, ContactSummary } from '../contacts/contact.ts';
import { normalizePeerId } from '../host/peer-identity.ts';
import { logger } from '../log.ts';
import type { ActionResult, HostEvent } from '../protocol/host-state.ts';
import { decodeFrame } from '../wire/decode-frame.ts';
import { encodeFrame } from '../wire/encode-frame.ts';
import { MAX_RECEIPT_IDS } from '../wire/wire-schema.ts';
import type {
  CallFrame,
  ChatFrame,
  FileFrame,
  ReceiptFrame,
  WireMessage,
} from '../wire/wire-message.ts';
import {
  isFurther,
  MAX_MESSAGE_LENGTH,
  type ChatMessage,
  type MessageState,
} from './chat-message.ts';
import { ChatStoreConflict, type ChatStore } from './chat-store.ts';
import { ProgressWriter } from './progress-writer.ts';

/** What the chat service needs from the links to contacts (see ContactLinks). */
export interface ChatTransport {
  isOnline(peerId: string): boolean;
  send(peerId: string, frame: string): boolean;
  setWanted(peerIds: Iterable<string>): void;
}

export interface ChatServiceOptions {
  ownId: string;
  store: ChatStore;
  transport: ChatTransport;
  /** The name we announce to contacts. */
  ownName: () => string;
  /** Conversations on screen in some view: their messages are read as they arrive. */
  visibleConversations: () => Set<string>;
  /** A message arrived that nobody is looking at. */
  onUnseenMessage: (contact: Contact, message: ChatMessage) => void;
  /** Contacts, presence or unread counts changed. */
  onChange: () => void;
  onEvent: (event: HostEvent) => void;
  /** A file frame from an accepted contact (see TransferService). */
  onFileFrame: (peerId: string, frame: FileFrame) => Promise<void>;
  /** A call frame from an accepted contact (see CallService). */
  onCallFrame: (peerId: string, frame: CallFrame) => void;
  /**
   * The identity key this peer proved on its link (lib/identity/contact-keys.ts), pinned
   * when a contact is made for a peer we had none for; `null` if none was proven yet.
   */
  provenKey: (peerId: string) => string | null;
}

type Result<T = object> = ({ ok: true } & T) | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/**
 * Contacts and chat: the rules of docs/protocol.md#peer--peer. It turns the user's
 * intents into stored state and wire frames, and decoded frames from contacts into
 * stored messages, receipts and contact changes.
 */
export class ChatService {
  readonly #options: ChatServiceOptions;
  readonly #contacts = new Map<string, Contact>();
  #unread = new Map<string, number>();
  #last = new Map<string, ChatMessage>();
  /** Outgoing messages handed to a link and not yet acknowledged, by id. */
  readonly #onTheWire = new Map<string, ChatMessage>();
  /** Outgoing messages whose progress views were told of before it was stored, by id. */
  readonly #announced = new Map<string, MessageState>();
  readonly #progress: ProgressWriter;
  /** Serializes work per peer, so frames and intents apply in the order they came. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: ChatServiceOptions) {
    this.#options = options;
    this.#progress = new ProgressWriter(options.store, (changed) => this.#progressStored(changed));
  }

  /** Stores the progress of outgoing messages that is still waiting to be written. */
  flushProgress(): Promise<void> {
    return this.#progress.flush();
  }

  async start(): Promise<void> {
    const { store } = this.#options;
    for (const contact of await store.listContacts()) this.#contacts.set(contact.peerId, contact);
    this.#unread = await store.unreadCounts();
    this.#last = await store.lastMessages();
    this.#syncLinks();
  }

  // ---- state for views ----

  get unreadTotal(): number {
    let total = 0;
    for (const [peerId, count] of this.#unread) if (this.#contacts.has(peerId)) total += count;
    return total;
  }

  /** Contacts with what chat knows of them (the host adds the transfer settings). */
  summaries(): Omit<ContactSummary, 'autoAcceptBytes' | 'alarm' | 'safetyNumber'>[] {
    const { transport } = this.#options;
    const rank = { incoming: 0, accepted: 1, outgoing: 1, blocked: 2 } as const;
    return [...this.#contacts.values()]
      .map((contact) => {
        const last = this.#last.get(contact.peerId);
        return {
          ...contact,
          online: contact.status !== 'blocked' && transport.isOnline(contact.peerId),
          unread: this.#unread.get(contact.peerId) ?? 0,
          lastMessage: last
            ? { text: last.text, at: last.sentAt, direction: last.direction }
            : null,
        };
      })
      .sort(
        (a, b) =>
          rank[a.status] - rank[b.status] ||
          (b.lastMessage?.at ?? b.addedAt) - (a.lastMessage?.at ?? a.addedAt),
      );
  }

  contact(peerId: string): Contact | undefined {
    return this.#contacts.get(peerId);
  }

  /**
   * Changes a contact's record, in this peer's queue so it cannot interleave with a frame
   * or an intent. `change` returns the new record, or `null` to leave it; the result is the
   * record as it now stands (`undefined` if there is no such contact).
   */
  updateContact(
    peerId: string,
    change: (contact: Contact) => Contact | null,
  ): Promise<Contact | undefined> {
    return this.#serial(peerId, async () => {
      const contact = this.#contacts.get(peerId);
      if (!contact) return undefined;
      const changed = change(contact);
      if (!changed) return contact;
      await this.#saveContact(changed);
      return changed;
    });
  }

  isAccepted(peerId: string): boolean {
    return this.#contacts.get(peerId)?.status === 'accepted';
  }

  isKnown(peerId: string): boolean {
    return this.#contacts.has(peerId);
  }

  isBlocked(peerId: string): boolean {
    return this.#contacts.get(peerId)?.status === 'blocked';
  }

  // ---- the user's intents ----

  addContact(input: string, nickname: string): Promise<ActionResult> {
    const peerId = normalizePeerId(input);
    if (!peerId) return Promise.resolve(fail('That is not a valid peer ID.'));
    if (peerId === this.#options.ownId) return Promise.resolve(fail('That is your own peer ID.'));
    return this.#serial(peerId, async () => {
      const existing = this.#contacts.get(peerId);
      if (existing?.status === 'blocked') return fail('This peer is blocked; unblock them first.');
      if (existing?.status === 'accepted' || existing?.status === 'outgoing')
        return fail('This peer is already a contact.');
      // Adding someone who asked us first is accepting them.
      const status = existing?.status === 'incoming' ? 'accepted' : 'outgoing';
      await this.#saveContact({
        peerId,
        nickname: cleanName(nickname),
        offeredName: existing?.offeredName ?? '',
        status,
        addedAt: existing?.addedAt ?? Date.now(),
        publicKey: existing?.publicKey ?? this.#options.provenKey(peerId),
        verified: existing?.verified ?? false,
        pendingKey: existing?.pendingKey ?? null,
      });
      // A link may already be open (they connected to us); otherwise linkOpened will ask.
      this.#sendFrame(peerId, status === 'accepted' ? this.#acceptFrame() : this.#requestFrame());
      return { ok: true };
    });
  }

  answerRequest(peerId: string, accept: boolean): Promise<ActionResult> {
    return this.#serial(peerId, async () => {
      const contact = this.#contacts.get(peerId);
      if (contact?.status !== 'incoming') return fail('There is no request from this peer.');
      await this.#saveContact({ ...contact, status: accept ? 'accepted' : 'blocked' });
      if (accept) this.#sendFrame(peerId, this.#acceptFrame());
      logger.info('contact-request-answered', { peerId, accept });
      return { ok: true };
    });
  }

  renameContact(peerId: string, nickname: string): Promise<ActionResult> {
    return this.#serial(peerId, async () => {
      const contact = this.#contacts.get(peerId);
      if (!contact) return fail('No such contact.');
      await this.#saveContact({ ...contact, nickname: cleanName(nickname) });
      return { ok: true };
    });
  }

  removeContact(peerId: string): Promise<ActionResult> {
    return this.#serial(peerId, async () => {
      if (!this.#contacts.has(peerId)) return fail('No such contact.');
      this.#forget(peerId);
      await this.#options.store.deleteContact(peerId);
      return { ok: true };
    });
  }

  blockContact(peerId: string): Promise<ActionResult> {
    return this.#serial(peerId, async () => {
      const contact = this.#contacts.get(peerId);
      if (!contact) return fail('No such contact.');
      await this.#saveContact({ ...contact, status: 'blocked' });
      return { ok: true };
    });
  }

  unblockContact(peerId: string): Promise<ActionResult> {
    return this.#serial(peerId, async () => {
      if (this.#contacts.get(peerId)?.status !== 'blocked')
        return fail('This peer is not blocked.');
      await this.#options.store.deleteContact(peerId);
      this.#contacts.delete(peerId);
      this.#unread.delete(peerId);
      this.#last.delete(peerId);
      this.#changed();
      return { ok: true };
    });
  }

  sendMessage(peerId: string, input: string): Promise<Result<{ message: ChatMessage }>> {
    const text = typeof input === 'string' ? input.trim() : '';
    if (!text) return Promise.resolve(fail('Write something first.'));
    if (text.length > MAX_MESSAGE_LENGTH)
      return Promise.resolve(
        fail(
          `A message can be at most ${MAX_MESSAGE_LENGTH.toLocaleString('en')} characters long.`,
        ),
      );
    return this.#serial(peerId, async () => {
      const contact = this.#contacts.get(peerId);
      if (contact?.status !== 'accepted' && contact?.status !== 'outgoing')
        return fail('You can only write to your contacts.');
      const stored = await this.#options.store.addOutgoing(peerId, text, Date.now());
      this.#remember(stored);
      const message = contact.status === 'accepted' ? this.#transmit(stored) : stored;
      this.#changed();
      return { ok: true, message };
    });
  }

  conversation(peerId: string, limit: number): Promise<ChatMessage[]> {
    const bounded = Math.max(1, Math.min(500, Math.floor(Number(limit) || 200)));
    return this.#options.store
      .conversation(peerId, bounded)
      .then((messages) => this.#progress.overlay(messages));
  }

  /** The views' visible conversations changed: what is on screen is now read. */
  viewsChanged(): void {
    for (const peerId of this.#options.visibleConversations())
      if ((this.#unread.get(peerId) ?? 0) > 0)
        void this.#serial(peerId, () => this.#markRead(peerId));
  }

  // ---- the links ----

  linkOpened(peerId: string): void {
    // Presence first: the contact is online now, whatever catching up follows.
    this.#changed();
    void this.#serial(peerId, async () => {
      const contact = this.#contacts.get(peerId);
      if (contact?.status === 'outgoing') this.#sendFrame(peerId, this.#requestFrame());
      if (contact?.status === 'accepted') {
        this.#sendFrame(peerId, this.#acceptFrame());
        await this.#resendUndelivered(peerId);
        await this.#resendReadReceipts(peerId);
      }
      this.#changed();
    });
  }

  linkClosed(): void {
    this.#changed();
  }

  frameArrived(peerId: string, data: unknown): void {
    const decoded = decodeFrame(data);
    if (!decoded.ok) {
      logger.warn('wire-frame-rejected', {
        peerId,
        reason: decoded.reason,
        detail: decoded.detail,
      });
      return;
    }
    void this.#serial(peerId, () => this.#handle(peerId, decoded.message)).catch((error: unknown) =>
      logger.error('wire-frame-failed', {
        peerId,
        type: decoded.message.type,
        error: String(error),
      }),
    );
  }

  async #handle(peerId: string, message: WireMessage): Promise<void> {
    const contact = this.#contacts.get(peerId);
    const status = contact?.status;
    if (status === 'blocked') return;
    switch (message.type) {
      case 'identity':
        // The handshake is the link's (ContactLinks); a second one on an open link is noise.
        logger.warn('wire-frame-ignored', { peerId, type: message.type, reason: 'handshake over' });
        return;
      case 'contact-request':
        if (!contact || status === 'incoming') {
          await this.#saveContact({
            peerId,
            nickname: contact?.nickname ?? '',
            offeredName: cleanName(message.name),
            status: 'incoming',
            addedAt: contact?.addedAt ?? Date.now(),
            publicKey: contact?.publicKey ?? this.#options.provenKey(peerId),
            verified: contact?.verified ?? false,
            pendingKey: contact?.pendingKey ?? null,
          });
          if (!contact) logger.info('contact-request-received', { peerId });
        } else {
          // We asked them too, or they forgot us: either way they want us, and we agreed.
          if (status === 'outgoing')
            await this.#saveContact({
              ...contact,
              status: 'accepted',
              offeredName: cleanName(message.name),
            });
          this.#sendFrame(peerId, this.#acceptFrame());
          await this.#resendUndelivered(peerId);
        }
        return;
      case 'contact-accept':
        if (status === 'outgoing' || status === 'accepted') {
          const wasOutgoing = status === 'outgoing';
          await this.#saveContact({
            ...contact!,
            status: 'accepted',
            offeredName: cleanName(message.name),
          });
          if (wasOutgoing) {
            this.#sendFrame(peerId, this.#acceptFrame());
            await this.#resendUndelivered(peerId);
          }
        } else this.#dropped(peerId, message);
        return;
      case 'chat':
        if (status === 'accepted') await this.#receiveChat(contact!, message);
        else this.#dropped(peerId, message);
        return;
      case 'receipt':
        if (status === 'accepted') this.#receiveReceipt(peerId, message);
        else this.#dropped(peerId, message);
        return;
      case 'call-invite':
      case 'call-answer':
      case 'call-signal':
      case 'call-media':
      case 'call-end':
      case 'call-ping':
        if (status === 'accepted') this.#options.onCallFrame(peerId, message);
        else this.#dropped(peerId, message);
        return;
      default:
        // File frames: in this peer's queue too, so they apply in the order they came.
        if (status === 'accepted') await this.#options.onFileFrame(peerId, message);
        else this.#dropped(peerId, message);
    }
  }

  async #receiveChat(contact: Contact, frame: ChatFrame): Promise<void> {
    const { peerId } = contact;
    let stored: { message: ChatMessage; duplicate: boolean };
    try {
      stored = await this.#options.store.addIncoming(peerId, frame);
    } catch (error) {
      if (error instanceof ChatStoreConflict) {
        logger.warn('wire-frame-rejected', { peerId, reason: 'id-conflict' });
        return;
      }
      throw error;
    }
    this.#sendFrame(peerId, { v: 1, type: 'receipt', ids: [frame.id], state: 'delivered' });
    if (stored.duplicate) {
      // It was stored before; the receipt may have been lost. Just acknowledge again.
      if (stored.message.state === 'read')
        this.#sendFrame(peerId, { v: 1, type: 'receipt', ids: [frame.id], state: 'read' });
      return;
    }
    this.#remember(stored.message);
    this.#unread.set(peerId, (this.#unread.get(peerId) ?? 0) + 1);
    if (this.#options.visibleConversations().has(peerId)) await this.#markRead(peerId);
    else this.#options.onUnseenMessage(contact, stored.message);
    this.#changed();
  }

  #receiveReceipt(peerId: string, receipt: ReceiptFrame): void {
    // Messages on the wire are known in memory: show their progress at once, store it after.
    for (const id of receipt.ids) {
      const message = this.#onTheWire.get(id);
      if (message?.peerId !== peerId) continue;
      this.#onTheWire.delete(id);
      this.#announce({ ...message, state: receipt.state });
    }
    this.#progress.record(peerId, receipt.ids, receipt.state);
  }

  async #markRead(peerId: string): Promise<void> {
    const changed = await this.#options.store.markConversationRead(peerId);
    this.#unread.set(peerId, 0);
    for (const message of changed) this.#remember(message);
    if (changed.length > 0) {
      for (let i = 0; i < changed.length; i += MAX_RECEIPT_IDS)
        this.#sendFrame(peerId, {
          v: 1,
          type: 'receipt',
          ids: changed.slice(i, i + MAX_RECEIPT_IDS).map((message) => message.id),
          state: 'read',
        });
    }
    this.#changed();
  }

  /** Hands a stored outgoing message to the link; it becomes `sent` if the link took it. */
  #transmit(message: ChatMessage): ChatMessage {
    const frame: ChatFrame = {
      v: 1,
      type: 'chat',
      id: message.id,
      seq: message.seq,
      text: message.text,
      sentAt: message.sentAt,
    };
    if (!this.#sendFrame(message.peerId, frame)) return message;
    const sent: ChatMessage = message.state === 'sending' ? { ...message, state: 'sent' } : message;
    this.#onTheWire.set(sent.id, sent);
    if (sent !== message) {
      this.#announce(sent);
      this.#progress.record(sent.peerId, [sent.id], 'sent');
    }
    return sent;
  }

  /** Tells views of an outgoing message's progress that is not stored yet. */
  #announce(message: ChatMessage): void {
    this.#announced.set(message.id, message.state);
    this.#remember(message);
  }

  /** Progress was stored: views hear of what they were not told of already. */
  #progressStored(changed: ChatMessage[]): void {
    for (const message of changed) {
      const announced = this.#announced.get(message.id);
      if (announced === message.state) this.#announced.delete(message.id);
      if (!announced || isFurther(message.state, announced)) this.#remember(message);
    }
  }

  async #resendUndelivered(peerId: string): Promise<void> {
    const stored = await this.#options.store.undelivered(peerId);
    // Progress not yet written may say a message was delivered after all.
    for (const message of this.#progress.overlay(stored)) {
      if (message.state !== 'sending' && message.state !== 'sent') continue;
      if (!this.#options.transport.isOnline(peerId)) return;
      this.#transmit(message);
    }
  }

  /**
   * Read receipts sent while the link was down were lost; the latest are sent again on
   * every new link (receipts only ever move a message forward, so repeats are harmless).
   */
  async #resendReadReceipts(peerId: string): Promise<void> {
    const read = (await this.#options.store.conversation(peerId, MAX_RECEIPT_IDS))
      .filter((message) => message.direction === 'in' && message.state === 'read')
      .map((message) => message.id);
    if (read.length > 0)
      this.#sendFrame(peerId, { v: 1, type: 'receipt', ids: read, state: 'read' });
  }

  #dropped(peerId: string, message: WireMessage): void {
    logger.info('wire-frame-ignored', {
      peerId,
      type: message.type,
      reason: 'not an accepted contact',
    });
  }

  #sendFrame(peerId: string, message: WireMessage): boolean {
    return this.#options.transport.send(peerId, encodeFrame(message));
  }

  #requestFrame(): WireMessage {
    return { v: 1, type: 'contact-request', name: cleanName(this.#options.ownName()) };
  }

  #acceptFrame(): WireMessage {
    return { v: 1, type: 'contact-accept', name: cleanName(this.#options.ownName()) };
  }

  async #saveContact(contact: Contact): Promise<void> {
    await this.#options.store.putContact(contact);
    this.#contacts.set(contact.peerId, contact);
    this.#syncLinks();
    this.#changed();
  }

  #remember(message: ChatMessage): void {
    const last = this.#last.get(message.peerId);
    if (!last || last.localOrder <= message.localOrder) this.#last.set(message.peerId, message);
    this.#options.onEvent({ type: 'message', message });
  }

  /** Drops a contact from memory and from the links (the store is the caller's). */
  #forget(peerId: string): void {
    for (const [id, message] of this.#onTheWire)
      if (message.peerId === peerId) this.#onTheWire.delete(id);
    this.#progress.forget(peerId);
    this.#contacts.delete(peerId);
    this.#unread.delete(peerId);
    this.#last.delete(peerId);
    this.#syncLinks();
    this.#changed();
  }

  #syncLinks(): void {
    const wanted = [...this.#contacts.values()]
      .filter((contact) => contact.status === 'accepted' || contact.status === 'outgoing')
      .map((contact) => contact.peerId);
    this.#options.transport.setWanted(wanted);
  }

  #changed(): void {
    this.#options.onChange();
  }

  #serial<T>(peerId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(peerId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.#queues.set(
      peerId,
      next.catch(() => undefined),
    );
    return next;
  }
}
