// The half of HostProbe that runs inside an extension page: a view's end of the
// `parley:host` channel (docs/protocol.md, "Views ↔ host") that keeps its own clock, so
// the figures hold no Playwright or DevTools round trips.
import type { ContactStatus } from '../../lib/contacts/contact.ts';
import type { Settings } from '../../lib/settings/settings.ts';
import type { ConnectionState, HostState } from '../../lib/protocol/host-state.ts';

/** A contact's state to wait for; 'absent' means no record at all. */
export interface WantedContact {
  status: ContactStatus | 'absent';
  online?: boolean;
  /** And the host's own connection to the signaling server in this phase. */
  hostPhase?: ConnectionState['phase'];
}

/** One message's times, in ms from posting `sendMessage`. */
export interface RoundTrip {
  /** The host's 'sent' event: stored, handed to the data channel, marked sent. */
  sent: number;
  /** The answer to `sendMessage`. */
  answered: number;
  /** The 'delivered' event: the peer stored it and its receipt came back. */
  delivered: number;
}

/** What `installProbe` puts in the page, as `globalThis.parleyBench`. */
export interface InPageProbe {
  request(method: string, params: unknown, timeoutMs: number): Promise<unknown>;
  /** Resolves with `performance.now()` at the first state showing `wanted`. */
  waitForContact(peerId: string, wanted: WantedContact, timeoutMs: number): Promise<number>;
  /** Sends `count` messages one after another, each once the last was delivered. */
  roundTrips(peerId: string, count: number, timeoutMs: number): Promise<RoundTrip[]>;
  /** Adds `peerId`, and times it until the state shows them accepted and online. */
  addAndTime(peerId: string, timeoutMs: number): Promise<number>;
  /**
   * Saves `settings` while the host is offline, and times it from the host's 'online'
   * state to `peerId` showing online (the link open, the new link's work done).
   */
  comeOnlineAndTime(peerId: string, settings: Settings, timeoutMs: number): Promise<number>;
  /**
   * A reference, not Parley: `count` readwrite transactions with strict durability, one
   * after another, each putting one record shaped like a received chat message from
   * `peerId` into a scratch database, each timed until 'complete'.
   */
  strictWrites(peerId: string, count: number): Promise<number[]>;
  /** Closes and deletes the scratch database of `strictWrites`. */
  dropScratch(): Promise<void>;
  /**
   * A reference: `count` `getState` requests, one after another, each timed until its
   * answer arrives; one view ↔ host hop that the host answers from memory.
   */
  hops(count: number, timeoutMs: number): Promise<number[]>;
}

/** The database `strictWrites` writes to: in the host's origin, apart from the host's own. */
export const SCRATCH_DATABASE = 'parley-bench-scratch';

/** The page's global object, with the probe on it (evaluated code must name it inline). */
export type ProbeGlobal = { parleyBench: InPageProbe };

/**
 * Runs in the page (serialized by Playwright: it may use nothing from this module). It
 * listens to the channel from the moment it is installed, so no event is missed between
 * a request and the wait for its outcome.
 */
export function installProbe({
  channelName,
  scratchDatabase,
}: {
  channelName: string;
  scratchDatabase: string;
}): void {
  type Message = {
    kind?: string;
    id?: string;
    ok?: boolean;
    result?: unknown;
    error?: string;
    state?: HostState;
    event?: { type: string; message: { id: string; state: string } };
  };
  type Wanted = { status: string; online?: boolean; hostPhase?: string };

  const channel = new BroadcastChannel(channelName);
  const pending = new Map<string, (message: Message, at: number) => void>();
  const stateWatchers = new Set<(state: HostState, at: number) => void>();
  /** When each outgoing message was first seen in each state. */
  const seenAt = new Map<string, Map<string, number>>();
  const messageWatchers = new Map<string, () => void>();
  let latest: HostState | null = null;

  channel.onmessage = (event: MessageEvent<Message>) => {
    const at = performance.now();
    const message = event.data;
    if (message?.kind === 'response' && message.id) pending.get(message.id)?.(message, at);
    if (message?.kind === 'state' && message.state) {
      latest = message.state;
      for (const watcher of stateWatchers) watcher(message.state, at);
    }
    if (message?.kind === 'event' && message.event?.type === 'message') {
      const { id, state } = message.event.message;
      const states = seenAt.get(id) ?? new Map<string, number>();
      seenAt.set(id, states);
      if (!states.has(state)) states.set(state, at);
      messageWatchers.get(id)?.();
    }
  };

  /**
   * Runs `start(done)`, which returns how to stop watching; rejects unless `done` is called
   * within `timeoutMs`. Stops watching either way, even if `done` came at once.
   */
  const within = <T>(
    what: string,
    timeoutMs: number,
    start: (done: (value: T) => void) => () => void,
  ) =>
    new Promise<T>((resolve, reject) => {
      let finished = false;
      let stop = () => {};
      const finish = () => {
        finished = true;
        clearTimeout(timer);
        stop();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      stop = start((value) => {
        finish();
        resolve(value);
      });
      if (finished) stop();
    });

  /** Posts a request; resolves with its result and when the answer arrived. */
  const ask = async (method: string, params: unknown, timeoutMs: number) => {
    const id = crypto.randomUUID();
    const [answer, at] = await within<[Message, number]>(
      `answer to ${method}`,
      timeoutMs,
      (done) => {
        pending.set(id, (message, at) => done([message, at]));
        channel.postMessage({ kind: 'request', id, method, params });
        return () => pending.delete(id);
      },
    );
    if (!answer.ok) throw new Error(`the host answered ${method} with: ${answer.error}`);
    return { result: answer.result, at };
  };
  const request = async (method: string, params: unknown, timeoutMs: number) =>
    (await ask(method, params, timeoutMs)).result;

  const contactIn = (state: HostState | null, peerId: string) =>
    state?.contacts.find((candidate) => candidate.peerId === peerId);

  const matches = (state: HostState | null, peerId: string, wanted: Wanted) => {
    const contact = contactIn(state, peerId);
    if (wanted.hostPhase !== undefined && state?.connection.phase !== wanted.hostPhase)
      return false;
    if (wanted.status === 'absent') return state !== null && !contact;
    return (
      contact?.status === wanted.status &&
      (wanted.online === undefined || contact.online === wanted.online)
    );
  };

  /** Resolves with the arrival time of the first state (from now on) that `accept`s. */
  const watchStates = (
    what: string,
    timeoutMs: number,
    accept: (state: HostState, at: number) => boolean,
  ) =>
    within<number>(what, timeoutMs, (done) => {
      const watcher = (state: HostState, at: number) => {
        if (accept(state, at)) done(at);
      };
      stateWatchers.add(watcher);
      return () => stateWatchers.delete(watcher);
    });

  const waitForContact = (peerId: string, wanted: Wanted, timeoutMs: number) =>
    matches(latest, peerId, wanted)
      ? Promise.resolve(performance.now())
      : watchStates(`contact ${peerId} ${JSON.stringify(wanted)}`, timeoutMs, (state) =>
          matches(state, peerId, wanted),
        );

  /** Resolves once message `id` has been seen 'delivered' (or 'read', which implies it). */
  const delivered = (id: string, timeoutMs: number) =>
    within<Map<string, number>>(`delivery of ${id}`, timeoutMs, (done) => {
      const check = () => {
        const states = seenAt.get(id);
        if (states?.has('delivered') || states?.has('read')) done(states);
      };
      messageWatchers.set(id, check);
      check();
      return () => {
        messageWatchers.delete(id);
        seenAt.delete(id);
      };
    });

  /** Resolves when `request` succeeds, and rejects with its error. */
  const settled = <T>(request: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });

  // Opened once, on the first strict write, so no sample includes opening it.
  let scratch: Promise<IDBDatabase> | null = null;
  const openScratch = () => {
    if (!scratch) {
      const opening = indexedDB.open(scratchDatabase, 1);
      opening.onupgradeneeded = () =>
        opening.result.createObjectStore('messages', { keyPath: 'id' });
      scratch = settled(opening);
    }
    return scratch;
  };

  const probe = {
    request,
    waitForContact,
    async strictWrites(peerId: string, count: number) {
      const db = await openScratch();
      const samples: number[] = [];
      for (let i = 0; i < count; i += 1) {
        // What B's host stores for a message (a ChatMessage), with a 100-character text.
        const record = {
          id: crypto.randomUUID(),
          peerId,
          direction: 'in',
          text: 'x'.repeat(100),
          sentAt: Date.now(),
          seq: i + 1,
          localOrder: i + 1,
          state: 'received',
        };
        const start = performance.now();
        const tx = db.transaction('messages', 'readwrite', { durability: 'strict' });
        const committed = new Promise<number>((resolve, reject) => {
          tx.oncomplete = () => resolve(performance.now());
          tx.onabort = () => reject(tx.error ?? new Error('the scratch write was aborted'));
        });
        tx.objectStore('messages').put(record);
        samples.push((await committed) - start);
      }
      return samples;
    },
    async dropScratch() {
      if (scratch) (await scratch).close();
      scratch = null;
      await settled(indexedDB.deleteDatabase(scratchDatabase));
    },
    async hops(count: number, timeoutMs: number) {
      const samples: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const start = performance.now();
        const { at } = await ask('getState', undefined, timeoutMs);
        samples.push(at - start);
      }
      return samples;
    },
    async roundTrips(peerId: string, count: number, timeoutMs: number) {
      const trips: { sent: number; answered: number; delivered: number }[] = [];
      for (let i = 0; i < count; i += 1) {
        const start = performance.now();
        const { result, at } = await ask('sendMessage', { peerId, text: `bench ${i}` }, timeoutMs);
        const sent = result as { ok: boolean; error?: string; message?: { id: string } };
        if (!sent.ok || !sent.message) throw new Error(`sendMessage failed: ${sent.error}`);
        const states = await delivered(sent.message.id, timeoutMs);
        trips.push({
          sent: (states.get('sent') ?? NaN) - start,
          answered: at - start,
          delivered: (states.get('delivered') ?? states.get('read')!) - start,
        });
      }
      return trips;
    },
    async addAndTime(peerId: string, timeoutMs: number) {
      const start = performance.now();
      const accepted = waitForContact(peerId, { status: 'accepted', online: true }, timeoutMs);
      const added = (await request('addContact', { peerId, nickname: '' }, timeoutMs)) as {
        ok: boolean;
        error?: string;
      };
      if (!added.ok) throw new Error(`addContact failed: ${added.error}`);
      return (await accepted) - start;
    },
    async comeOnlineAndTime(peerId: string, settings: Settings, timeoutMs: number) {
      if (latest?.connection.phase === 'online' || contactIn(latest, peerId)?.online !== false)
        throw new Error(`coming online needs the host offline and ${peerId} offline`);
      // The states seen, as "phase/contact online?", to explain a rejected sample.
      const trace: string[] = [];
      let onlineAt: number | null = null;
      let invalid = false;
      const back = watchStates(`${peerId} online`, timeoutMs, (state, at) => {
        const contactOnline = contactIn(state, peerId)?.online === true;
        trace.push(`${state.connection.phase}/${contactOnline}`);
        if (state.connection.phase === 'online' && onlineAt === null) {
          onlineAt = at;
          // The host connects in the very task that makes it online: a link that is
          // open already did not come from this connect, and this is no sample.
          invalid = contactOnline;
          return invalid;
        }
        return onlineAt !== null && contactOnline;
      });
      const saved = (await request('saveSettings', settings, timeoutMs)) as { saved: boolean };
      if (!saved.saved) throw new Error('the host refused the settings');
      const at = await back;
      if (invalid) throw new Error(`not a connect: states ${trace.join(' → ')}`);
      return at - onlineAt!;
    },
  };
  (globalThis as unknown as { parleyBench: typeof probe }).parleyBench = probe;
}
