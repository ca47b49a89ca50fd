import type { Contact, IdentityAlarm } from '../contacts/contact.ts';
import { displayName } from '../contacts/contact.ts';
import { logger } from '../log.ts';
import type { ActionResult } from '../protocol/host-state.ts';
import type { HandshakeOutcome } from './handshake-outcome.ts';
import { parseVerificationCode, safetyNumber } from './safety-number.ts';

/** What ContactKeys needs of the contact records (ChatService keeps them). */
export interface ContactRecords {
  contact(peerId: string): Contact | undefined;
  updateContact(
    peerId: string,
    change: (contact: Contact) => Contact | null,
  ): Promise<Contact | undefined>;
}

export interface ContactKeysOptions {
  ownId: string;
  ownKey: string;
  records: ContactRecords;
  /** An alarm or a safety number changed: the views should hear of it. */
  onChange: () => void;
}

/** Handshake failures that mean someone is in the middle, not a slow network. */
const ALARMING: ReadonlySet<string> = new Set([
  'no-identity',
  'bad-signature',
  'no-fingerprint',
  'dtls-failed',
]);

const fail = (error: string): ActionResult => ({ ok: false, error });

/**
 * Which identity key each contact has, and what the user knows of it: pins the first key
 * a contact proves (trust on first use), sets a changed key aside until the user accepts
 * it, remembers handshakes that failed, and keeps the verified mark and safety numbers.
 */
export class ContactKeys {
  readonly #options: ContactKeysOptions;
  /** The key each peer last proved on a link, strangers' included. */
  readonly #proven = new Map<string, string>();
  /** The latest handshake failure per peer, until a handshake passes. */
  readonly #failures = new Map<string, { at: number; detail: string }>();
  /** Safety numbers by `peerId\nkey`, computed once each. */
  readonly #safetyNumbers = new Map<string, string>();
  readonly #computing = new Set<string>();

  constructor(options: ContactKeysOptions) {
    this.#options = options;
  }

  /**
   * The handshake's question: a peer proved `key`; is it the one we trust? Pins it if no
   * key is pinned yet; sets it aside (and says 'changed') if another one is.
   */
  async judge(peerId: string, key: string): Promise<'trusted' | 'changed'> {
    this.#proven.set(peerId, key);
    let verdict: 'trusted' | 'changed' = 'trusted';
    await this.#options.records.updateContact(peerId, (contact) => {
      if (contact.publicKey === null) {
        logger.info('identity-key-pinned', { peerId });
        return { ...contact, publicKey: key, pendingKey: null };
      }
      if (contact.publicKey === key) {
        if (contact.pendingKey === null) return null;
        logger.info('identity-key-proven-again', { peerId });
        return { ...contact, pendingKey: null };
      }
      verdict = 'changed';
      if (contact.pendingKey === key) return null;
      logger.warn('identity-key-changed', { peerId });
      return { ...contact, pendingKey: key };
    });
    if (verdict === 'trusted' && this.#failures.delete(peerId)) this.#options.onChange();
    return verdict;
  }

  /** The key this peer proved on its latest link, if any. */
  provenKey(peerId: string): string | null {
    return this.#proven.get(peerId) ?? null;
  }

  /** A connection failed its handshake: warn of it if someone may be in the middle. */
  refused(peerId: string, outcome: Exclude<HandshakeOutcome, { ok: true }>): void {
    if (!ALARMING.has(outcome.reason)) return;
    const contact = this.#options.records.contact(peerId);
    if (!contact || contact.status === 'blocked') return;
    this.#failures.set(peerId, { at: Date.now(), detail: outcome.detail });
    this.#options.onChange();
  }

  alarmOf(contact: Contact): IdentityAlarm | null {
    if (contact.pendingKey !== null) return { kind: 'key-changed', newKey: contact.pendingKey };
    const failure = this.#failures.get(contact.peerId);
    return failure ? { kind: 'handshake-failed', ...failure } : null;
  }

  /** The contact's safety number, or `null` while no key is pinned (or it is computing). */
  safetyNumberOf(contact: Contact): string | null {
    if (contact.publicKey === null) return null;
    const id = `${contact.peerId}\n${contact.publicKey}`;
    const known = this.#safetyNumbers.get(id);
    if (known !== undefined) return known;
    if (!this.#computing.has(id)) {
      this.#computing.add(id);
      void safetyNumber(
        { peerId: this.#options.ownId, publicKey: this.#options.ownKey },
        { peerId: contact.peerId, publicKey: contact.publicKey },
      ).then((number) => {
        this.#computing.delete(id);
        this.#safetyNumbers.set(id, number);
        this.#options.onChange();
      });
    }
    return null;
  }

  /** The user trusts the new key: it is pinned, and the contact is not verified any more. */
  async acceptKey(peerId: string): Promise<ActionResult> {
    let error: string | null = 'No such contact.';
    await this.#options.records.updateContact(peerId, (contact) => {
      if (contact.pendingKey === null) {
        error = 'There is no new key to accept.';
        return null;
      }
      error = null;
      logger.info('identity-key-accepted', { peerId });
      return { ...contact, publicKey: contact.pendingKey, pendingKey: null, verified: false };
    });
    return error ? fail(error) : { ok: true };
  }

  async setVerified(peerId: string, verified: boolean): Promise<ActionResult> {
    let error: string | null = 'No such contact.';
    await this.#options.records.updateContact(peerId, (contact) => {
      error = verified ? cannotVerify(contact) : null;
      if (error || contact.verified === verified) return null;
      logger.info('identity-verified-changed', { peerId, verified });
      return { ...contact, verified };
    });
    return error ? fail(error) : { ok: true };
  }

  /** Marks a contact verified if the code they show holds the key pinned for them. */
  async verifyCode(peerId: string, code: unknown): Promise<ActionResult> {
    const parsed = typeof code === 'string' ? parseVerificationCode(code) : null;
    if (!parsed) return fail('That is not a Parley verification code.');
    const contact = this.#options.records.contact(peerId);
    if (!contact) return fail('No such contact.');
    if (parsed.peerId !== peerId)
      return fail(`That code is for another peer (${parsed.peerId}), not ${displayName(contact)}.`);
    const problem = cannotVerify(contact);
    if (problem) return fail(problem);
    if (parsed.publicKey !== contact.publicKey) {
      logger.warn('identity-code-mismatch', { peerId });
      return fail(
        `That code's key is not the one ${displayName(contact)} proved to you. Do not trust ` +
          'this contact until you find out why.',
      );
    }
    return this.setVerified(peerId, true);
  }
}

function cannotVerify(contact: Contact): string | null {
  if (contact.pendingKey !== null) return 'Their key changed: accept or reject the new key first.';
  if (contact.publicKey === null) return 'No key yet: connect to them once first.';
  return null;
}
