import type { HandshakeOutcome, LinkHandshake, StartHandshake } from '../handshake-outcome.ts';

/**
 * For tests of the links, not of identity: every connection passes at once, the way it
 * would with a peer whose key checks out (identity-handshake.test.ts tests the real one).
 */
export const passAtOnce: StartHandshake = (_peerId, _connection, _initiatedByMe, done) => {
  done({ ok: true });
  return { receive: () => false, cancel: () => undefined };
};

/** A handshake the test decides: it records what arrives, and ends when told to. */
export class ScriptedHandshakes {
  readonly started: {
    peerId: string;
    received: unknown[];
    cancelled: boolean;
    decide: (outcome: HandshakeOutcome) => void;
  }[] = [];

  readonly start: StartHandshake = (peerId, _connection, _initiatedByMe, done): LinkHandshake => {
    const entry = { peerId, received: [] as unknown[], cancelled: false, decide: done };
    this.started.push(entry);
    return {
      // Takes the first frame, as the real one does; the rest are the link's to hold.
      receive: (data) => {
        if (entry.received.length > 0) return false;
        entry.received.push(data);
        return true;
      },
      cancel: () => {
        entry.cancelled = true;
      },
    };
  };

  latest(peerId: string): (typeof this.started)[number] {
    const entry = this.started.filter((candidate) => candidate.peerId === peerId).at(-1);
    if (!entry) throw new Error(`no handshake with ${peerId} started`);
    return entry;
  }
}
