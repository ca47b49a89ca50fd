import type { CallMedia, CallSignal } from '../call/call-types.ts';
import type { Settings } from '../settings/settings.ts';
import type { ChatMessage } from '../chat/chat-message.ts';
import type {
  ActionResult,
  HostEvent,
  HostState,
  PeerPresence,
  Preferences,
  SaveSettingsResult,
} from './host-state.ts';

/**
 * Every request a view can make of the peer host, with its parameters and result.
 * The host registers one handler per method (see lib/host/host-handlers.ts); views
 * call them through `HostClient.request`. Adding a method here makes both sides
 * fail to compile until they agree.
 */
export interface HostRequests {
  /** The current state; views also receive every later change as it happens. */
  getState: { params: undefined; result: HostState };
  /** Validates, stores and applies new settings; the host reconnects with them. */
  saveSettings: { params: Settings; result: SaveSettingsResult };
  /** Whether another peer is reachable right now, by opening a data connection to it. */
  checkPeer: { params: { peerId: string }; result: PeerPresence };
  /** Stores the user's preferences (display name, notifications). */
  savePreferences: { params: Preferences; result: ActionResult };
  /** Adds a contact by peer ID and asks them to accept. */
  addContact: { params: { peerId: string; nickname: string }; result: ActionResult };
  /** Answers a contact request: accept, or refuse (which blocks them). */
  answerRequest: { params: { peerId: string; accept: boolean }; result: ActionResult };
  renameContact: { params: { peerId: string; nickname: string }; result: ActionResult };
  /** Forgets a contact and the conversation with them. */
  removeContact: { params: { peerId: string }; result: ActionResult };
  blockContact: { params: { peerId: string }; result: ActionResult };
  /**
   * Trusts the new identity key a contact proved (ContactSummary.alarm 'key-changed'):
   * it is pinned, the contact is no longer verified, and messages and files flow again.
   */
  acceptContactKey: { params: { peerId: string }; result: ActionResult };
  /** Marks a contact verified (safety numbers compared) or takes the mark back. */
  setContactVerified: { params: { peerId: string; verified: boolean }; result: ActionResult };
  /**
   * Checks a contact's scanned or pasted verification code (their QR) against the key
   * pinned for them, and marks them verified if it matches; refused with a sentence if not.
   */
  verifyContactCode: { params: { peerId: string; code: string }; result: ActionResult };
  /** Lifts a block; the contact is forgotten, and may ask again. */
  unblockContact: { params: { peerId: string }; result: ActionResult };
  /** Queues a message; it is sent as soon as the contact is reachable. */
  sendMessage: {
    params: { peerId: string; text: string };
    result: { ok: true; message: ChatMessage } | { ok: false; error: string };
  };
  /** The latest `limit` messages of a conversation, oldest first. */
  getConversation: { params: { peerId: string; limit: number }; result: ChatMessage[] };
  /**
   * Offers files to a contact. The Files themselves cross the channel (structured clone):
   * the host reads them from disk as it sends, after the view has closed too.
   */
  sendFiles: { params: { peerId: string; files: File[] }; result: ActionResult };
  /** Accepts or declines a file a contact offered. */
  answerTransfer: { params: { id: string; accept: boolean }; result: ActionResult };
  /**
   * Gives a paused outgoing transfer its file again (the host lost it in a restart): the
   * File crosses the channel as in sendFiles. Refused unless it is the same file.
   */
  reattachFile: { params: { id: string; file: File }; result: ActionResult };
  /** Cancels a transfer, either way; a partial incoming file is deleted. */
  cancelTransfer: { params: { id: string }; result: ActionResult };
  /** Files from this contact up to `bytes` are accepted without asking; 0 turns it off. */
  setAutoAccept: { params: { peerId: string; bytes: number }; result: ActionResult };
  /** Shows a received file in its folder. */
  showDownload: { params: { id: string }; result: ActionResult };
  /**
   * Rings an online, accepted contact and opens the call page (`call.html#<callId>`) in a
   * tab. Refused with a sentence when the contact is offline or a call is under way.
   */
  startCall: {
    params: { peerId: string; video: boolean };
    result: { ok: true; callId: string } | { ok: false; error: string };
  };
  /** Accepts (opening the call page) or declines a ringing incoming call. */
  answerCall: { params: { callId: string; accept: boolean }; result: ActionResult };
  /**
   * Hangs up, or cancels a call still ringing; both sides end it. `reason: 'failed'` (added
   * by the call page, optional) says the page itself failed (no microphone, negotiation or
   * connection failed), so both sides can end it as `failed` rather than `hangup`.
   */
  endCall: { params: { callId: string; reason?: 'failed' }; result: ActionResult };
  /** The call page's negotiation step, for the other side's page (see HostEvent). */
  sendCallSignal: { params: { callId: string; signal: CallSignal }; result: ActionResult };
  /** The call page's own media state, shown on the other side (CallSummary.remoteMedia). */
  setCallMedia: { params: { callId: string; media: CallMedia }; result: ActionResult };
  /** The call page says media flows (`active`). */
  callConnected: { params: { callId: string }; result: ActionResult };
}

export type HostMethod = keyof HostRequests;
export type ParamsOf<M extends HostMethod> = HostRequests[M]['params'];
export type ResultOf<M extends HostMethod> = HostRequests[M]['result'];

/** The one BroadcastChannel that views and the host share (same extension origin). */
export const HOST_CHANNEL = 'parley:host';

/** The messages on that channel. */
export type ChannelMessage =
  | { kind: 'request'; id: string; method: HostMethod; params: unknown }
  | { kind: 'response'; id: string; ok: true; result: unknown }
  | { kind: 'response'; id: string; ok: false; error: string }
  | { kind: 'state'; state: HostState }
  | { kind: 'event'; event: HostEvent };

/**
 * Each open view holds a runtime port of this name to the host and posts a
 * `ViewPresence` on it whenever what it shows changes. The port's disconnect tells the
 * host the view closed, at once (a closed popup gets no chance to say goodbye).
 */
export const VIEW_PORT_NAME = 'parley:view';

export interface ViewPresence {
  kind: 'popup' | 'page';
  /** The conversation on screen, if any: its messages count as read. */
  conversation: string | null;
}

/** Runtime message a view sends so that Chrome's service worker (re)creates the host. */
export const ENSURE_HOST_MESSAGE = { type: 'parley:ensure-host' } as const;

export function isEnsureHostMessage(message: unknown): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === ENSURE_HOST_MESSAGE.type
  );
}
