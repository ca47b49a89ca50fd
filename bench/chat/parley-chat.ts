// Parley's side of bench:chat: two users who are each other's contacts, measured through
// their hosts and the wire protocol, as the views drive them.
import type { ChromiumProfile } from '../../tests/support/chromium-profile.ts';
import type { SignalingServer } from '../../tests/support/signaling-server.ts';
import { waitFor } from '../../tests/support/wait.ts';
import { HostProbe, type RoundTrip } from './host-probe.ts';

export interface ParleyUser {
  readonly probe: HostProbe;
  readonly peerId: string;
}

/**
 * Opens the options page, the one view that shows no conversation (so nothing it shows
 * is read, and no 'read' receipts add traffic), and waits until the host is online.
 * Notifications are muted: a thousand of them in a few seconds would measure the
 * browser's notification centre, not chat.
 */
export async function openParleyUser(profile: ChromiumProfile, name: string): Promise<ParleyUser> {
  const options = await profile.openOptions();
  const probe = await HostProbe.attach(options.page);
  const state = await waitFor(
    `${profile.name}'s host to be online`,
    async () => {
      const current = await probe.request('getState', undefined, 2_000);
      return current.connection.phase === 'online' ? current : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  await probe.act('savePreferences', { displayName: name, notificationsMuted: true });
  return { probe, peerId: state.peerId };
}

/** `a` asks `b`, `b` accepts, and both see the other accepted and online. */
export async function makeContacts(a: ParleyUser, b: ParleyUser): Promise<void> {
  await a.probe.act('addContact', { peerId: b.peerId, nickname: '' });
  await b.probe.waitForContact(a.peerId, { status: 'incoming' });
  await b.probe.act('answerRequest', { peerId: a.peerId, accept: true });
  await Promise.all([
    a.probe.waitForContact(b.peerId, { status: 'accepted', online: true }),
    b.probe.waitForContact(a.peerId, { status: 'accepted', online: true }),
  ]);
}

/** Round trips from `a` to `b`: `sendMessage` until `a` sees the message 'delivered'. */
export async function messageRoundTrips(
  a: ParleyUser,
  b: ParleyUser,
  count: number,
): Promise<RoundTrip[]> {
  return a.probe.roundTrips(b.peerId, count);
}

/** The parts of the floor under any durable round trip, in ms. */
export interface FloorSamples {
  /** A strict-durability IndexedDB write of one message-sized record, until committed. */
  strictWrites: number[];
  /** One view ↔ host hop: `getState` posted → its answer. */
  hops: number[];
}

/**
 * `count` of each part of the floor, measured in `a`'s page: an extension page runs in
 * the same renderer process and storage origin as `a`'s host (an offscreen document), so
 * its write costs what a host's does. The write stands for the one `b`'s host makes
 * before its 'delivered' receipt; both profiles share this machine and its disk.
 */
export async function floorParts(
  a: ParleyUser,
  b: ParleyUser,
  count: number,
): Promise<FloorSamples> {
  const strictWrites = await a.probe.strictWrites(b.peerId, count);
  const hops = await a.probe.hops(count);
  return { strictWrites, hops };
}

/**
 * One connect as issue #3 words it, "from the moment a contact is added": `a` forgets
 * `b` (which drops their link; `b` still has `a` as an accepted contact), then adds `b`
 * again, timed from `addContact` until `a` shows `b` accepted and online. `b` answers
 * the new request on its own, since it agreed before.
 */
export async function addAgainOnce(a: ParleyUser, b: ParleyUser): Promise<number> {
  await a.probe.waitForContact(b.peerId, { status: 'accepted', online: true });
  await a.probe.act('removeContact', { peerId: b.peerId });
  await a.probe.waitForContact(b.peerId, { status: 'absent' });
  return a.probe.addAndTime(b.peerId);
}

/** A port nothing listens on inside the namespace: the server is refused at once. */
const UNREACHABLE_PORT = 1;

/**
 * One connect "from the moment a contact comes online": `a` goes offline (its settings
 * point at a port where nothing listens: its registration and every link are dropped),
 * and once the server has let go of its ID, `a` gets its real settings back and comes
 * online. Timed from `a`'s host being online to `b` showing online: the link is open and
 * `a` has done what a new link asks of it. The offline spell is far shorter than `b`'s
 * first retry (about a second), so it is `a` that connects.
 *
 * Why not save the same settings twice: the old socket may still be registered when the
 * new one arrives, and PeerServer then re-attaches the ID without sending OPEN, which
 * leaves the host "connecting" until its 10 s attempt timeout.
 */
export async function comeOnlineOnce(
  a: ParleyUser,
  b: ParleyUser,
  server: SignalingServer,
): Promise<number> {
  await a.probe.waitForContact(b.peerId, { status: 'accepted', online: true });
  const { settings } = await a.probe.request('getState', undefined);
  const fromLine = server.logLines.length;
  const away = { ...settings, server: { ...settings.server, port: UNREACHABLE_PORT } };
  const saved = await a.probe.request('saveSettings', away);
  if (!saved.saved) throw new Error(`the host refused ${JSON.stringify(saved.errors)}`);
  await a.probe.waitForContact(b.peerId, {
    status: 'accepted',
    online: false,
    hostPhase: 'offline',
  });
  await waitFor(`the server to drop ${a.peerId}`, () =>
    server.logLines
      .slice(fromLine)
      .some((line) => line.includes('"client-disconnected"') && line.includes(a.peerId))
      ? true
      : undefined,
  );
  return a.probe.comeOnlineAndTime(b.peerId, settings);
}
