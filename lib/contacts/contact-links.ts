import type { DataConnection, Peer } from 'peerjs';
import { Backoff } from '../host/backoff.ts';
import type {
  HandshakeOutcome,
  LinkHandshake,
  StartHandshake,
} from '../identity/handshake-outcome.ts';
import { logger } from '../log.ts';

export interface ContactLinksOptions {
  ownId: string;
  /** The peer registered with the PeerServer, or `null` while it is not. */
  peer: () => Peer | null;
  /** Peers whose connections we refuse. */
  blocked: (peerId: string) => boolean;
  /** Peers we know (any contact record): their unsolicited connections are kept. */
  known: (peerId: string) => boolean;
  /**
   * Proves who we are and checks who they are on every connection that opens
   * (lib/identity/identity-handshake.ts). Only a connection that passes is a link.
   */
  handshake: StartHandshake;
  /** A connection failed its handshake (it is closed): the host decides what to warn of. */
  onRefused: (peerId: string, outcome: Exclude<HandshakeOutcome, { ok: true }>) => void;
  onOpen: (peerId: string) => void;
  onClose: (peerId: string) => void;
  onData: (peerId: string, data: unknown) => void;
}

interface Link {
  connection: DataConnection | null;
  initiatedByMe: boolean;
  /** Opened by a peer we did not know, still in its grace period to introduce itself. */
  stranger: boolean;
  /** The peer reached us while our own attempt was pending: if ours fails, retry at once. */
  seenOnline: boolean;
  /** The handshake passed: the link carries frames, and the contact is online. */
  open: boolean;
  /** The handshake under way on the connection, if it opened and is not decided yet. */
  handshake: LinkHandshake | null;
  /** Frames that came after theirs while the handshake was being decided. */
  held: unknown[];
  backoff: Backoff;
  retryTimer: ReturnType<typeof setTimeout> | null;
  attemptTimer: ReturnType<typeof setTimeout> | null;
  /** Resets the back-off once the link has stayed open a while (see STABLE_LINK_MS). */
  stableTimer: ReturnType<typeof setTimeout> | null;
}

/** One connection attempt may take this long before it is abandoned and retried. */
const ATTEMPT_TIMEOUT_MS = 15_000;
/** A stranger who says nothing acceptable within this time is disconnected. */
const STRANGER_GRACE_MS = 60_000;
/** At most this many strangers may hold connections at once. */
const MAX_STRANGERS = 16;
/** The peer PeerJS names in a 'peer-unavailable' error ("Could not connect to peer X"). */
export function unavailablePeer(error: { message: string }): string | null {
  return /^Could not connect to peer (.+)$/.exec(error.message)?.[1] ?? null;
}

/**
 * A link must stay open this long before its back-off starts again from 1 s. A link the
 * other side closes at once (it refuses our key, say, while its user decides about a key
 * change) would otherwise have both sides reconnecting every second.
 */
const STABLE_LINK_MS = 10_000;

/** Frames a link holds while its handshake is decided; a peer that sends more is cut off. */
const MAX_HELD_FRAMES = 256;

/** ICE may report 'disconnected' briefly; only a longer silence ends the link. */
const ICE_GRACE_MS = 3_000;

/**
 * Keeps one data connection per contact: connects to the contacts we want, retries the
 * offline ones with back-off, adopts their incoming connections, settles the race when
 * both sides connect at once (the connection opened by the smaller peer ID wins), and
 * reports each contact's link opening and closing: that is their presence.
 */
export class ContactLinks {
  readonly #options: ContactLinksOptions;
  readonly #links = new Map<string, Link>();
  readonly #watchedPeers = new WeakSet<Peer>();
  /** Peers we keep a connection to, and retry while they are offline. */
  #wanted = new Set<string>();

  constructor(options: ContactLinksOptions) {
    this.#options = options;
  }

  isOnline(peerId: string): boolean {
    return this.#links.get(peerId)?.open ?? false;
  }

  /** Sends one text frame if the link is open; returns whether it was handed over. */
  send(peerId: string, frame: string): boolean {
    const link = this.#links.get(peerId);
    if (!link?.open || !link.connection) return false;
    try {
      link.connection.send(frame);
      return true;
    } catch (error) {
      logger.warn('link-send-failed', { peerId, error: String(error) });
      this.#end(peerId, link, link.connection);
      return false;
    }
  }

  /**
   * Opens a negotiated data channel with stream id `id` on the contact's open connection
   * (a file transfer's: docs/protocol.md#file-transfer), or returns null when there is
   * none. It needs no signaling, and it closes when the connection does.
   */
  openChannel(peerId: string, id: number): RTCDataChannel | null {
    const link = this.#links.get(peerId);
    const peerConnection = link?.open ? link.connection?.peerConnection : undefined;
    if (!peerConnection || peerConnection.connectionState === 'closed') return null;
    try {
      return peerConnection.createDataChannel(`parley-file-${id}`, {
        negotiated: true,
        id,
        ordered: true,
      });
    } catch (error) {
      logger.warn('link-channel-failed', { peerId, id, error: String(error) });
      return null;
    }
  }

  /** Sets the peers to keep connected (accepted and outgoing contacts), then syncs. */
  setWanted(peerIds: Iterable<string>): void {
    this.#wanted = new Set(peerIds);
    this.sync();
  }

  /** Brings links in line with the contacts: connect to wanted ones, drop blocked ones. */
  sync(): void {
    for (const [peerId, link] of this.#links) {
      if (link.stranger && this.#options.known(peerId)) link.stranger = false;
      // A contact that was removed or blocked loses its link; a stranger keeps its grace.
      if (this.#options.blocked(peerId)) this.#drop(peerId, link);
      else if (!this.#wanted.has(peerId) && !this.#options.known(peerId) && !link.stranger)
        this.#drop(peerId, link);
    }
    for (const peerId of this.#wanted) {
      const link = this.#links.get(peerId);
      if (!link) this.#connect(peerId, this.#newLink());
      else if (!link.connection && link.retryTimer === null) this.#connect(peerId, link);
    }
  }

  /** Tries this peer again now, if it is wanted and not connected (a key was accepted). */
  retryNow(peerId: string): void {
    const link = this.#links.get(peerId);
    if (!link || link.connection || !this.#wanted.has(peerId)) return;
    link.backoff.reset();
    this.#clearRetry(link);
    this.#connect(peerId, link);
  }

  /**
   * The server is reachable again: whoever is offline is worth trying now. A connection
   * still negotiating was set up through the session that just ended (its Peer may be
   * destroyed, its candidates lost): it would only wait out its attempt timeout, so it
   * is dropped and dialled again.
   */
  retryAllNow(): void {
    for (const [peerId, link] of this.#links) {
      link.backoff.reset();
      if (link.connection && !link.open && !link.handshake) {
        this.#detach(peerId, link);
        if (!this.#wanted.has(peerId)) {
          this.#clearRetry(link);
          this.#links.delete(peerId);
          continue;
        }
      }
      if (!link.connection && this.#wanted.has(peerId)) {
        this.#clearRetry(link);
        this.#connect(peerId, link);
      }
    }
    this.sync();
  }

  /** Takes an incoming connection from another peer. */
  adopt(connection: DataConnection): void {
    const peerId = connection.peer;
    if (this.#options.blocked(peerId)) {
      logger.info('link-refused-blocked', { peerId });
      connection.close();
      return;
    }
    let link = this.#links.get(peerId);
    if (!link) {
      if (!this.#options.known(peerId) && this.#strangerCount() >= MAX_STRANGERS) {
        logger.warn('link-refused-too-many-strangers', { peerId });
        connection.close();
        return;
      }
      link = this.#newLink();
      this.#links.set(peerId, link);
    } else if (link.connection) {
      // Both sides connected at once: keep the one the smaller ID opened, on both sides.
      const keepMine = link.initiatedByMe && this.#options.ownId < peerId;
      if (keepMine) {
        // They will adopt ours. Should ours turn out dead, they are online: retry at once.
        link.seenOnline = true;
        connection.close();
        return;
      }
      this.#detach(peerId, link);
    }
    this.#clearRetry(link);
    this.#attach(peerId, link, connection, false);
    // Their attempt may never open (their side gave up, or its signaling died): give up too.
    link.attemptTimer = setTimeout(() => {
      if (!link.open) this.#end(peerId, link, connection);
    }, ATTEMPT_TIMEOUT_MS);
    link.stranger = !this.#options.known(peerId);
    if (link.stranger) {
      // A stranger gets a while to introduce itself with a contact request.
      setTimeout(() => {
        if (!this.#options.known(peerId)) this.#end(peerId, link, connection);
      }, STRANGER_GRACE_MS);
    }
  }

  closeAll(): void {
    for (const [peerId, link] of this.#links) this.#drop(peerId, link);
  }

  #strangerCount(): number {
    let count = 0;
    for (const peerId of this.#links.keys()) if (!this.#options.known(peerId)) count += 1;
    return count;
  }

  #newLink(): Link {
    return {
      connection: null,
      initiatedByMe: false,
      stranger: false,
      seenOnline: false,
      open: false,
      handshake: null,
      held: [],
      backoff: new Backoff({ initialMs: 1_000, maxMs: 30_000, jitter: 0.2 }),
      retryTimer: null,
      attemptTimer: null,
      stableTimer: null,
    };
  }

  #connect(peerId: string, link: Link): void {
    this.#links.set(peerId, link);
    const peer = this.#options.peer();
    if (!peer) return; // sync() runs again once the signaling server is back
    this.#watchPeer(peer);
    let connection: DataConnection;
    try {
      connection = peer.connect(peerId, {
        reliable: true,
        serialization: 'raw',
        metadata: { kind: 'contact' },
      });
    } catch (error) {
      logger.warn('link-connect-failed', { peerId, error: String(error) });
      this.#scheduleRetry(peerId, link);
      return;
    }
    this.#attach(peerId, link, connection, true);
    link.stranger = false;
    link.attemptTimer = setTimeout(() => {
      if (!link.open) this.#end(peerId, link, connection);
    }, ATTEMPT_TIMEOUT_MS);
  }

  /** PeerJS reports an absent peer on the Peer, naming it only in the message. */
  #watchPeer(peer: Peer): void {
    if (this.#watchedPeers.has(peer)) return;
    this.#watchedPeers.add(peer);
    peer.on('error', (error) => {
      if (error.type !== 'peer-unavailable') return;
      for (const [peerId, link] of this.#links)
        if (
          link.initiatedByMe &&
          !link.open &&
          link.connection &&
          unavailablePeer(error) === peerId
        )
          this.#end(peerId, link, link.connection);
    });
  }

  #attach(peerId: string, link: Link, connection: DataConnection, initiatedByMe: boolean): void {
    link.connection = connection;
    link.initiatedByMe = initiatedByMe;
    link.open = false;
    const current = () => link.connection === connection;
    this.#watchDtls(peerId, link, connection);
    connection.on('open', () => {
      if (!current()) return;
      this.#watchIce(peerId, link, connection);
      let decided = false;
      const handshake = this.#options.handshake(peerId, connection, initiatedByMe, (outcome) => {
        decided = true;
        if (current()) this.#handshakeDone(peerId, link, connection, outcome, initiatedByMe);
      });
      if (!decided && current()) link.handshake = handshake;
    });
    connection.on('data', (data) => {
      if (!current()) return;
      if (link.open) this.#options.onData(peerId, data);
      else if (link.handshake && !link.handshake.receive(data)) {
        if (link.held.length < MAX_HELD_FRAMES) link.held.push(data);
        else {
          logger.warn('link-refused-too-many-frames', { peerId });
          this.#end(peerId, link, connection);
        }
      }
    });
    connection.on('close', () => {
      if (current()) this.#lost(peerId, link);
    });
    connection.on('error', (error) => {
      logger.warn('link-error', { peerId, type: error.type });
      this.#end(peerId, link, connection);
    });
  }

  #handshakeDone(
    peerId: string,
    link: Link,
    connection: DataConnection,
    outcome: HandshakeOutcome,
    initiatedByMe: boolean,
  ): void {
    link.handshake = null;
    const held = link.held;
    link.held = [];
    if (!outcome.ok) {
      this.#end(peerId, link, connection);
      this.#options.onRefused(peerId, outcome);
      return;
    }
    if (link.attemptTimer !== null) clearTimeout(link.attemptTimer);
    link.attemptTimer = null;
    link.open = true;
    link.stableTimer = setTimeout(() => {
      link.stableTimer = null;
      link.backoff.reset();
    }, STABLE_LINK_MS);
    logger.info('link-open', { peerId, initiatedByMe });
    this.#options.onOpen(peerId);
    for (const data of held) if (link.connection === connection) this.#options.onData(peerId, data);
  }

  /**
   * Ends a connection of a link. PeerJS emits 'close' only for connections that opened,
   * so an attempt that failed is taken down here, not in the 'close' handler.
   */
  #end(peerId: string, link: Link, connection: DataConnection): void {
    if (link.connection !== connection) {
      connection.close();
      return;
    }
    this.#lost(peerId, link);
  }

  /**
   * DTLS that fails once ICE has connected means the peer's certificate did not match the
   * fingerprint the signaling server relayed: the server (or someone) rewrote the SDP. The
   * channel never opens, so this is watched from the start.
   */
  #watchDtls(peerId: string, link: Link, connection: DataConnection): void {
    const pc = connection.peerConnection as RTCPeerConnection | undefined;
    if (!pc) return;
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState !== 'failed' || pc.sctp?.transport.state !== 'failed') return;
      if (link.connection !== connection || link.open) return;
      this.#end(peerId, link, connection);
      this.#options.onRefused(peerId, {
        ok: false,
        reason: 'dtls-failed',
        detail: "DTLS failed: the peer's certificate did not match the SDP's fingerprint",
      });
    });
  }

  /** A peer that vanished without closing is noticed through ICE, within seconds. */
  #watchIce(peerId: string, link: Link, connection: DataConnection): void {
    const pc = connection.peerConnection;
    if (!pc) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const end = () => this.#end(peerId, link, connection);
    pc.addEventListener('iceconnectionstatechange', () => {
      const state = pc.iceConnectionState;
      if (state === 'failed' || state === 'closed') end();
      else if (state === 'disconnected') timer ??= setTimeout(end, ICE_GRACE_MS);
      else if (timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
    });
  }

  #lost(peerId: string, link: Link): void {
    this.#detach(peerId, link);
    if (this.#wanted.has(peerId)) this.#scheduleRetry(peerId, link);
    else this.#links.delete(peerId);
  }

  #detach(peerId: string, link: Link): void {
    const connection = link.connection;
    link.connection = null;
    const wasOpen = link.open;
    link.open = false;
    link.handshake?.cancel();
    link.handshake = null;
    link.held = [];
    if (link.stableTimer !== null) clearTimeout(link.stableTimer);
    link.stableTimer = null;
    if (link.attemptTimer !== null) clearTimeout(link.attemptTimer);
    link.attemptTimer = null;
    connection?.close();
    if (wasOpen) {
      logger.info('link-closed', { peerId });
      this.#options.onClose(peerId);
    }
  }

  #scheduleRetry(peerId: string, link: Link): void {
    if (link.retryTimer !== null) return;
    const delay = link.seenOnline ? 0 : link.backoff.next();
    link.seenOnline = false;
    link.retryTimer = setTimeout(() => {
      link.retryTimer = null;
      if (this.#wanted.has(peerId) && !link.connection) this.#connect(peerId, link);
    }, delay);
  }

  #clearRetry(link: Link): void {
    if (link.retryTimer !== null) clearTimeout(link.retryTimer);
    link.retryTimer = null;
  }

  #drop(peerId: string, link: Link): void {
    this.#clearRetry(link);
    this.#detach(peerId, link);
    this.#links.delete(peerId);
  }
}
