// What a host knows of identities (issue #6), read through the views' own channel: its own
// key and verification code, and for a contact the pinned key, the alarm and the safety
// number. Tests read it where the views do not show it, and to check what they show.
import type { ContactSummary, IdentityAlarm } from '../../lib/contacts/contact.ts';
import { requestHost, storedContact, type ExtensionPage } from './host-requests.ts';
import { waitFor } from './wait.ts';

/** Who a host is: its peer ID, its public identity key and what its QR code holds. */
export interface OwnIdentity {
  peerId: string;
  identityKey: string;
  verificationCode: string;
}

export async function ownIdentity(page: ExtensionPage): Promise<OwnIdentity> {
  const { peerId, identityKey, verificationCode } = await requestHost(page, 'getState', undefined);
  return { peerId, identityKey, verificationCode };
}

/** The host's record of contact `peerId`; throws if it has none. */
export async function contactRecord(page: ExtensionPage, peerId: string): Promise<ContactSummary> {
  const contact = await storedContact(page, peerId);
  if (!contact) throw new Error(`the host has no contact ${peerId}`);
  return contact;
}

/** The identity fields of a contact, for a readable failure message. */
function identityFields(contact: ContactSummary | undefined): string {
  if (!contact) return 'no such contact';
  const { status, publicKey, pendingKey, verified, alarm, safetyNumber } = contact;
  return JSON.stringify({ status, publicKey, pendingKey, verified, alarm, safetyNumber });
}

/**
 * Waits until the host's record of `peerId` satisfies `test`, and returns it. The error
 * shows the identity fields seen last.
 */
export async function waitForContactRecord(
  page: ExtensionPage,
  peerId: string,
  what: string,
  test: (contact: ContactSummary) => boolean,
  timeoutMs = 15_000,
): Promise<ContactSummary> {
  let last: ContactSummary | undefined;
  try {
    return await waitFor(
      `contact ${peerId} ${what}`,
      async () => {
        last = await storedContact(page, peerId);
        return last && test(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last: ${identityFields(last)}`, {
      cause: error,
    });
  }
}

/** Waits until the host holds an alarm of `kind` about `peerId`, and returns the contact. */
export async function waitForAlarm(
  page: ExtensionPage,
  peerId: string,
  kind: IdentityAlarm['kind'],
  timeoutMs = 45_000,
): Promise<ContactSummary> {
  return waitForContactRecord(
    page,
    peerId,
    `to raise a ${kind} alarm`,
    (contact) => contact.alarm?.kind === kind,
    timeoutMs,
  );
}

/** Waits until the host holds no alarm about `peerId`, and returns the contact. */
export async function waitForNoAlarm(
  page: ExtensionPage,
  peerId: string,
  timeoutMs = 45_000,
): Promise<ContactSummary> {
  return waitForContactRecord(
    page,
    peerId,
    'to hold no alarm',
    (contact) => contact.alarm === null && contact.pendingKey === null,
    timeoutMs,
  );
}
