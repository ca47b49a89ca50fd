import type { CallSignal, CallSummary } from '../call/call-types.ts';
import type { ChatMessage } from '../chat/chat-message.ts';
import type { ContactSummary } from '../contacts/contact.ts';
import type { Settings } from '../settings/settings.ts';
import type { TransferSummary } from '../transfer/transfer-summary.ts';

/** Why the host is not registered with the PeerServer. */
export type OfflineReason =
  /** The server did not answer, or the connection dropped. Retried with back-off. */
  | 'unreachable'
  /** The server refused the configured key. */
  | 'bad-key'
  /** Another session holds this peer ID on the server. Retried with back-off. */
  | 'id-taken'
  /** The configured address cannot be used (malformed host, path…). */
  | 'invalid-settings'
  /** TLS was asked for but could not be set up. */
  | 'tls'
  /** This browser lacks WebRTC data channels. */
  | 'unsupported'
  /** Anything else the server or PeerJS reported. */
  | 'error';

export type ConnectionState =
  | { phase: 'connecting'; server: string }
  | { phase: 'online'; server: string }
  | {
      phase: 'offline';
      server: string;
      reason: OfflineReason;
      /** One sentence for people, naming the cause. */
      message: string;
      /** Epoch ms of the next automatic attempt, if one is planned. */
      retryAt: number | null;
    };

/** The user's choices that are not about servers. */
export interface Preferences {
  /** Shown to the people we contact (peer input on their side). */
  displayName: string;
  notificationsMuted: boolean;
}

/** Everything a view renders, pushed by the host whenever it changes. */
export interface HostState {
  /** This installation's peer ID; stable across restarts and settings changes. */
  peerId: string;
  /** This installation's public identity key (lib/identity/identity-keys.ts). */
  identityKey: string;
  /** What this installation's verification QR code holds (lib/identity/safety-number.ts). */
  verificationCode: string;
  connection: ConnectionState;
  settings: Settings;
  preferences: Preferences;
  /** Every contact, requests and blocked ones included, most recent activity first. */
  contacts: ContactSummary[];
  /** Unread messages over all conversations (the toolbar badge). */
  unreadTotal: number;
  /** File transfers, running and ended, with live progress. */
  transfers: TransferSummary[];
  /**
   * Calls under way, and those that ended (newest last): since the host started, and the
   * latest 200 kept from before it, so conversations note missed and past calls.
   */
  calls: CallSummary[];
}

/** Things that happen, pushed to views as they happen (too many to keep in the state). */
export type HostEvent =
  | { type: 'message'; message: ChatMessage }
  /** A negotiation step from the other side's call page, for this side's call page. */
  | { type: 'call-signal'; callId: string; signal: CallSignal };

/** The answer to a request that changes something. */
export type ActionResult = { ok: true } | { ok: false; error: string };

export type PeerPresence =
  { presence: 'online' } | { presence: 'offline' } | { presence: 'error'; message: string };

export type SaveSettingsResult = { saved: true } | { saved: false; errors: Record<string, string> };
