import type { ActionResult } from '../protocol/host-state.ts';
import { logger } from '../log.ts';
import { encodeFrame } from '../wire/encode-frame.ts';
import type { FileCancelReason, FileFrame, WireMessage } from '../wire/wire-message.ts';
import { isPeersChannelId, pickChannelId } from './channel-ids.ts';
import { formatBytes } from './format-bytes.ts';
import { EMPTY_SHA256, storedPrefixSha256 } from './prefix-digest.ts';
import { ProgressMeter } from './progress-meter.ts';
import { retryWhileBusy } from './retry-while-busy.ts';
import { prefixMatches, reattachProblem } from './reattach-check.ts';
import { safeFileName } from './safe-file-name.ts';
import {
  FINAL_STATES,
  offeredTransfer,
  type TransferFailure,
  type TransferRecord,
  type TransferState,
} from './transfer-record.ts';
import type { TransferStore } from './transfer-store.ts';
import type { TransferSummary } from './transfer-summary.ts';
import {
  TransferError,
  type DataChannelLike,
  type Downloads,
  type IncomingFile,
  type IncomingFiles,
  type OutgoingFiles,
  type OutgoingHash,
  type TransferLinks,
} from './transfer-ports.ts';
import { waitUntilOpen } from './wait-until-open.ts';

export interface TransferServiceOptions {
  ownId: string;
  store: TransferStore;
  links: TransferLinks;
  incoming: IncomingFiles;
  outgoing: OutgoingFiles;
  downloads: Downloads;
  /** Only accepted contacts may offer files or be sent any. */
  isAccepted: (peerId: string) => boolean;
  /** Bytes still free for incoming files, or null when the browser will not say. */
  freeSpace: () => Promise<number | null>;
  /** Something views show changed (progress included: the caller throttles). */
  onChange: () => void;
  /** A contact offered a file the user has to answer. */
  onOffer: (summary: TransferSummary) => void;
}

/** Offers from one contact still unanswered: more are declined, so nobody can flood the list. */
const MAX_PENDING_OFFERS = 100;
/** Incoming states a sender's file-pause applies to: accepted, not yet fully received. */
const PAUSABLE: ReadonlySet<TransferState> = new Set(['transferring', 'interrupted', 'paused']);
/** A data channel lost while its connection stays up is asked for again after this long. */
const RESUME_AFTER_CHANNEL_LOSS_MS = 1_000;

/** What the host holds of a transfer beyond its record, while it runs. */
interface Live {
  record: TransferRecord;
  meter: ProgressMeter;
  /** Where the current run started: the offset asked for in its file-accept. */
  start: number;
  /** Bytes across in the current run, counted from `start`. */
  done: number;
  channel: DataChannelLike | null;
  /** Outgoing: the user's file. Lost when the host restarts. */
  file: File | null;
  /**
   * Outgoing: `file` was attached again after a restart, and its start is not yet checked
   * against what the receiver stored (see prefixMatches).
   */
  reattached: boolean;
  pump: AbortController | null;
  hash: OutgoingHash | null;
  /** Stops the hashing worker when the transfer ends before it is done. */
  hashing: AbortController | null;
  /** Incoming. */
  sink: IncomingFile | null;
  endHash: string | null;
}

/**
 * File transfers with contacts: the rules of docs/protocol.md#file-transfer. It turns the
 * user's intents and the peer's file frames into records, data channels, the pump on the
 * sending side and the disk sink on the receiving side.
 */
export class TransferService {
  readonly #options: TransferServiceOptions;
  readonly #transfers = new Map<string, Live>();
  #autoAccept = new Map<string, number>();
  /** The last data channel id picked per contact (see pickChannelId). */
  readonly #lastChannel = new Map<string, number>();

  constructor(options: TransferServiceOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { store } = this.#options;
    this.#autoAccept = await store.autoAcceptLimits();
    for (const record of await store.list()) {
      // Nothing was running before this start: whatever was under way is interrupted.
      if (record.state === 'transferring' || record.state === 'verifying')
        record.state = 'interrupted';
      // An outgoing File lived in the host's memory: only the user can give it back.
      if (record.direction === 'out' && !FINAL_STATES.has(record.state)) record.state = 'paused';
      this.#transfers.set(record.id, this.#live(record));
    }
    await this.#removeLeftovers();
  }

  /** Deletes partial files nobody will resume (a transfer that ended mid-write). */
  async #removeLeftovers(): Promise<void> {
    const { incoming } = this.#options;
    try {
      for (const id of await incoming.list()) {
        const live = this.#transfers.get(id);
        if (!live || live.record.direction !== 'in' || FINAL_STATES.has(live.record.state))
          await incoming.remove(id);
      }
    } catch (error) {
      // Only disk space is at stake; transfers work without this.
      logger.warn('transfer-cleanup-failed', { error: String(error) });
    }
  }

  summaries(): TransferSummary[] {
    return [...this.#transfers.values()].map((live) => this.#summary(live));
  }

  autoAcceptLimit(peerId: string): number {
    return this.#autoAccept.get(peerId) ?? 0;
  }

  // ---- the user's intents ----

  async sendFiles(peerId: string, files: readonly unknown[]): Promise<ActionResult> {
    if (!this.#options.isAccepted(peerId))
      return { ok: false, error: 'You can only send files to your contacts.' };
    const valid = files.filter((file): file is File => file instanceof File);
    if (valid.length === 0 || valid.length !== files.length)
      return { ok: false, error: 'Those are not files Parley can read.' };
    for (const file of valid) {
      const record = offeredTransfer({
        id: crypto.randomUUID(),
        peerId,
        direction: 'out',
        name: file.name || 'file',
        size: file.size,
        lastModified: file.lastModified,
      });
      const live = this.#live(record);
      live.file = file;
      this.#transfers.set(record.id, live);
      await this.#save(live);
      this.#sendOffer(live);
      logger.info('transfer-offered', { id: record.id, peerId, size: record.size });
    }
    this.#changed();
    return { ok: true };
  }

  async answer(id: string, accept: boolean): Promise<ActionResult> {
    const live = this.#transfers.get(id);
    if (live?.record.direction !== 'in' || live.record.state !== 'offered')
      return { ok: false, error: 'There is no such offer to answer.' };
    if (!accept) {
      await this.#end(live, 'declined', null, 'file-decline');
      return { ok: true };
    }
    return this.#accept(live);
  }

  async cancel(id: string): Promise<ActionResult> {
    const live = this.#transfers.get(id);
    if (!live || FINAL_STATES.has(live.record.state))
      return { ok: false, error: 'That transfer has already ended.' };
    await this.#end(live, 'cancelled', 'cancelled', 'file-cancel');
    return { ok: true };
  }

  /**
   * The user attached the file of a paused outgoing transfer again. It must match what
   * was offered; the offer then goes out again, and the receiver answers it with a
   * file-accept at the offset it stored (checked against this file before any byte goes).
   */
  async reattach(id: string, file: unknown): Promise<ActionResult> {
    const live = this.#transfers.get(id);
    if (live?.record.direction !== 'out' || live.record.state !== 'paused')
      return { ok: false, error: 'That transfer is not waiting for its file.' };
    const problem = reattachProblem(live.record, file);
    if (problem) {
      logger.warn('transfer-reattach-refused', { id, reason: problem.code });
      return { ok: false, error: problem.message };
    }
    live.file = file as File;
    live.reattached = true;
    await this.#setState(live, 'offered', null);
    this.#sendOffer(live);
    logger.info('transfer-reattached', { id });
    return { ok: true };
  }

  async setAutoAcceptLimit(peerId: string, bytes: unknown): Promise<ActionResult> {
    const limit =
      typeof bytes === 'number' && Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : -1;
    if (limit < 0) return { ok: false, error: 'The limit must be a whole number of bytes.' };
    await this.#options.store.setAutoAcceptLimit(peerId, limit);
    if (limit > 0) this.#autoAccept.set(peerId, limit);
    else this.#autoAccept.delete(peerId);
    this.#changed();
    return { ok: true };
  }

  showDownload(id: string): ActionResult {
    const downloadId = this.#transfers.get(id)?.record.downloadId;
    if (downloadId == null) return { ok: false, error: 'That file was not saved.' };
    this.#options.downloads.show(downloadId);
    return { ok: true };
  }

  /** The contact was removed or blocked: its transfers end and are forgotten. */
  async forgetPeer(peerId: string): Promise<void> {
    for (const live of this.#transfers.values())
      if (live.record.peerId === peerId) {
        const sink = live.sink;
        live.sink = null;
        this.#stopRunning(live);
        const { incoming } = this.#options;
        if (live.record.direction === 'in')
          await (
            sink ? sink.discard() : retryWhileBusy(() => incoming.remove(live.record.id))
          ).catch((error: unknown) =>
            logger.warn('transfer-discard-failed', { id: live.record.id, error: String(error) }),
          );
        this.#transfers.delete(live.record.id);
      }
    this.#autoAccept.delete(peerId);
    await this.#options.store.deleteForPeer(peerId);
    this.#changed();
  }

  // ---- the links ----

  /** The contact's connection opened: catch up on offers, resumes and owed answers. */
  linkOpened(peerId: string): void {
    for (const live of this.#transfers.values()) {
      const { record } = live;
      if (record.peerId !== peerId) continue;
      if (record.owed) {
        if (this.#sendOwed(record)) {
          record.owed = null;
          void this.#save(live);
        }
        continue;
      }
      if (record.direction === 'out' && record.state === 'offered') {
        if (live.file) this.#sendOffer(live);
        else void this.#setState(live, 'paused', null);
      }
      if (record.direction === 'in' && record.state === 'interrupted') void this.#accept(live);
    }
  }

  linkClosed(peerId: string): void {
    for (const live of this.#transfers.values()) {
      const { record } = live;
      if (record.peerId !== peerId || !live.channel) continue;
      // The data channel died with the connection; the sink keeps what it flushed.
      this.#stopRunning(live);
      if (record.state === 'transferring' || record.state === 'verifying') {
        if (record.direction === 'in' && record.state === 'verifying') continue;
        record.state = 'interrupted';
        void this.#save(live);
        logger.info('transfer-interrupted', { id: record.id, peerId });
      }
    }
    this.#changed();
  }

  /** A decoded file frame from `peerId` (ChatService hands them over). */
  async frameArrived(peerId: string, frame: FileFrame): Promise<void> {
    const live = this.#transfers.get(frame.id);
    if (frame.type === 'file-offer' && !live) return this.#offered(peerId, frame);
    // Another contact's transfer is as unknown as a made-up id: never act on it.
    if (!live || live.record.peerId !== peerId) {
      logger.info('transfer-frame-ignored', { peerId, type: frame.type, reason: 'unknown id' });
      return;
    }
    const { record } = live;
    if (FINAL_STATES.has(record.state)) {
      // They may not have heard: answer again what ended it.
      if (frame.type === 'file-accept' && record.direction === 'out')
        this.#sendFrame(peerId, this.#endingFrame(record));
      return;
    }
    switch (frame.type) {
      case 'file-offer':
        // Sent again on a new connection, or because the sender has its file back.
        if (record.direction === 'in' && record.state === 'paused')
          return this.#senderIsBack(live, frame);
        return;
      case 'file-accept':
        if (record.direction === 'out' && record.state === 'paused')
          return this.#answerPaused(live, frame.offset);
        if (record.direction === 'out') return this.#peerAccepted(live, frame);
        break;
      case 'file-pause':
        if (record.direction === 'in' && PAUSABLE.has(record.state))
          return this.#senderPaused(live);
        break;
      case 'file-decline':
        if (record.direction === 'out' && record.state === 'offered')
          return this.#end(live, 'declined', null, null);
        break;
      case 'file-cancel':
        return this.#end(
          live,
          frame.reason === 'cancelled' ? 'cancelled' : 'failed',
          frame.reason,
          null,
        );
      case 'file-end':
        if (record.direction === 'in') {
          live.endHash = frame.sha256;
          return this.#maybeVerify(live);
        }
        break;
      case 'file-complete':
        // Paused too: the receiver may have verified the file while this host restarted.
        if (record.direction === 'out' && record.state !== 'transferring') {
          live.file = null;
          this.#stopRunning(live);
          return this.#setState(live, 'complete', null);
        }
        break;
    }
    logger.warn('transfer-frame-ignored', { peerId, type: frame.type, state: record.state });
  }

  // ---- receiving ----

  async #offered(peerId: string, frame: Extract<FileFrame, { type: 'file-offer' }>): Promise<void> {
    if (this.#transfers.has(frame.id)) return; // Sent again on a new connection.
    if (!this.#options.isAccepted(peerId)) return;
    const pending = [...this.#transfers.values()].filter(
      (live) => live.record.peerId === peerId && live.record.state === 'offered',
    ).length;
    // Field by field: the frame is peer input.
    const record = offeredTransfer({
      id: frame.id,
      peerId,
      direction: 'in',
      name: frame.name,
      size: frame.size,
    });
    const live = this.#live(record);
    this.#transfers.set(record.id, live);
    if (pending >= MAX_PENDING_OFFERS) {
      logger.warn('transfer-offer-refused', { peerId, reason: 'too many pending offers' });
      return this.#end(live, 'declined', null, 'file-decline');
    }
    await this.#save(live);
    logger.info('transfer-offer-received', { id: record.id, peerId, size: record.size });
    const limit = this.autoAcceptLimit(peerId);
    if (limit > 0 && record.size <= limit) {
      const accepted = await this.#accept(live);
      if (accepted.ok) return;
    }
    this.#options.onOffer(this.#summary(live));
    this.#changed();
  }

  /** The sender has its file back (it offered it again): ask for the rest. */
  async #senderIsBack(
    live: Live,
    offer: Extract<FileFrame, { type: 'file-offer' }>,
  ): Promise<void> {
    const { record } = live;
    if (offer.name !== record.name || offer.size !== record.size) {
      logger.warn('transfer-protocol-error', { id: record.id, reason: 'offer changed' });
      return this.#end(live, 'failed', 'protocol', 'file-cancel');
    }
    // At once, so that the same offer arriving again does not ask twice.
    record.state = 'interrupted';
    const accepted = await this.#accept(live);
    if (!accepted.ok) {
      logger.warn('transfer-resume-failed', { id: record.id, error: accepted.error });
      this.#changed();
    }
  }

  /** The sender lost its file: keep what is stored, and wait for its user to attach it. */
  async #senderPaused(live: Live): Promise<void> {
    this.#stopRunning(live);
    live.endHash = null;
    await this.#setState(live, 'paused', null);
    logger.info('transfer-paused', { id: live.record.id, peerId: live.record.peerId });
  }

  /** Accepts an offer, or resumes an interrupted transfer from what is on disk. */
  async #accept(live: Live): Promise<ActionResult> {
    const { record } = live;
    const { links, incoming } = this.#options;
    if (!links.isOnline(record.peerId))
      return { ok: false, error: 'The contact is offline; accept once they are back.' };
    const free = await this.#options.freeSpace();
    const needed = record.size - record.storedBytes;
    if (free !== null && needed > free) {
      const error = `Not enough space: the file needs ${formatBytes(needed)}, and ${formatBytes(free)} are free.`;
      logger.warn('transfer-no-space', { id: record.id, needed, free });
      return { ok: false, error };
    }
    const inUse = new Set(
      [...this.#transfers.values()].flatMap((other) => other.channel?.id ?? []),
    );
    const channelId = pickChannelId(
      this.#options.ownId,
      record.peerId,
      inUse,
      this.#lastChannel.get(record.peerId),
    );
    if (channelId === null) return { ok: false, error: 'Too many transfers at once; try later.' };
    this.#lastChannel.set(record.peerId, channelId);
    this.#stopRunning(live);
    let resume =
      record.storedBytes > 0 && record.hashState
        ? { offset: record.storedBytes, hashState: record.hashState }
        : null;
    let resumedPrefix = EMPTY_SHA256;
    try {
      if (resume) resumedPrefix = await storedPrefixSha256(resume.hashState);
    } catch (error) {
      // A state this build cannot load: the sink would refuse it too, so start afresh.
      logger.warn('transfer-resume-refused', { id: record.id, error: String(error) });
      resume = null;
    }
    let sink: IncomingFile;
    try {
      sink = await retryWhileBusy(() => incoming.open(record.id, resume));
    } catch (error) {
      logger.error('transfer-sink-failed', { id: record.id, error: String(error) });
      if (error instanceof TransferError && error.reason === 'no-space') {
        await this.#end(live, 'failed', 'no-space', 'file-cancel');
        return { ok: false, error: 'There is not enough disk space to store the file.' };
      }
      await this.#end(live, 'failed', 'failed', 'file-cancel');
      return { ok: false, error: 'Parley could not store the file.' };
    }
    const channel = links.openChannel(record.peerId, channelId);
    if (!channel) {
      sink.close();
      return { ok: false, error: 'The contact went offline.' };
    }
    if (sink.startOffset !== record.storedBytes) {
      logger.warn('transfer-resume-refused', { id: record.id, stored: record.storedBytes });
      record.storedBytes = sink.startOffset;
      record.hashState = null;
    }
    live.sink = sink;
    live.channel = channel;
    live.endHash = null;
    live.start = record.storedBytes;
    live.done = 0;
    live.meter.reset();
    channel.binaryType = 'arraybuffer';
    sink.onCheckpoint((point) => {
      if (live.sink !== sink) return;
      record.storedBytes = point.offset;
      record.hashState = point.hashState;
      void this.#save(live);
    });
    sink.onError((reason) => {
      if (live.sink === sink) void this.#end(live, 'failed', reason, 'file-cancel');
    });
    channel.addEventListener('message', (event) => this.#chunkArrived(live, channel, event.data));
    channel.addEventListener('close', () => this.#channelLost(live, channel));
    await this.#setState(live, 'transferring', null);
    this.#sendFrame(record.peerId, {
      v: 1,
      type: 'file-accept',
      id: record.id,
      offset: record.storedBytes,
      channel: channelId,
      prefixSha256: record.storedBytes > 0 ? resumedPrefix : EMPTY_SHA256,
    });
    logger.info('transfer-accepted', { id: record.id, offset: record.storedBytes, channelId });
    return { ok: true };
  }

  /**
   * The data channel closed under a running transfer. When the whole connection went,
   * linkClosed has already stopped it and it resumes on the next one; if the connection
   * is still there, the receiver asks again after a moment.
   */
  #channelLost(live: Live, channel: DataChannelLike): void {
    if (live.channel !== channel) return;
    const { record } = live;
    this.#stopRunning(live);
    if (record.state !== 'transferring') return;
    record.state = 'interrupted';
    void this.#save(live);
    this.#changed();
    logger.info('transfer-interrupted', { id: record.id, peerId: record.peerId });
    setTimeout(() => {
      if (record.state === 'interrupted' && this.#options.links.isOnline(record.peerId))
        void this.#accept(live);
    }, RESUME_AFTER_CHANNEL_LOSS_MS);
  }

  #chunkArrived(live: Live, channel: DataChannelLike, data: unknown): void {
    if (live.channel !== channel || !live.sink) return;
    const { record } = live;
    if (!(data instanceof ArrayBuffer)) {
      logger.warn('transfer-protocol-error', { id: record.id, reason: 'text on a data channel' });
      void this.#end(live, 'failed', 'protocol', 'file-cancel');
      return;
    }
    // Read before append: the sink takes the buffer (moves it to its worker), leaving it empty.
    const bytes = data.byteLength;
    const received = live.start + live.done + bytes;
    if (received > record.size) {
      logger.warn('transfer-protocol-error', { id: record.id, reason: 'more bytes than offered' });
      void this.#end(live, 'failed', 'protocol', 'file-cancel');
      return;
    }
    live.sink.append(data);
    live.done += bytes;
    live.meter.update(live.done);
    this.#changed();
    void this.#maybeVerify(live);
  }

  async #maybeVerify(live: Live): Promise<void> {
    const { record } = live;
    const sink = live.sink;
    if (!sink || live.endHash === null || record.state !== 'transferring') return;
    if (live.start + live.done < record.size) return;
    await this.#setState(live, 'verifying', null);
    let result: { sha256: string; size: number };
    try {
      result = await sink.finish();
    } catch (error) {
      logger.error('transfer-finish-failed', { id: record.id, error: String(error) });
      const reason =
        error instanceof TransferError && error.reason === 'no-space' ? 'no-space' : 'failed';
      return this.#end(live, 'failed', reason, 'file-cancel');
    }
    live.sink = null;
    live.channel?.close();
    live.channel = null;
    if (result.sha256 !== live.endHash || result.size !== record.size) {
      logger.warn('transfer-hash-mismatch', { id: record.id });
      return this.#end(live, 'failed', 'hash-mismatch', 'file-cancel');
    }
    record.sha256 = result.sha256;
    record.storedBytes = record.size;
    record.hashState = null;
    if (!this.#sendFrame(record.peerId, { v: 1, type: 'file-complete', id: record.id }))
      record.owed = 'file-complete';
    await this.#save(live);
    await this.#saveToDownloads(live);
  }

  async #saveToDownloads(live: Live): Promise<void> {
    const { record } = live;
    const { incoming, downloads } = this.#options;
    try {
      const file = await incoming.read(record.id);
      const { downloadId } = await downloads.save(file, safeFileName(record.name));
      record.downloadId = downloadId;
      // The copy in Downloads is the user's now; the host's own goes.
      await incoming
        .remove(record.id)
        .catch((error: unknown) =>
          logger.warn('transfer-cleanup-failed', { id: record.id, error: String(error) }),
        );
      await this.#setState(live, 'complete', null);
      logger.info('transfer-saved', { id: record.id });
    } catch (error) {
      logger.error('transfer-save-failed', { id: record.id, error: String(error) });
      await this.#setState(live, 'failed', 'save-failed');
    }
  }

  // ---- sending ----

  #sendOffer(live: Live): void {
    const { record } = live;
    this.#sendFrame(record.peerId, {
      v: 1,
      type: 'file-offer',
      id: record.id,
      name: record.name,
      size: record.size,
    });
  }

  /** A file-accept while this side has no file: tell the receiver to keep waiting. */
  #answerPaused(live: Live, offset: number): void {
    const { record } = live;
    // What the receiver has, for the card to show.
    live.start = Math.min(offset, record.size);
    live.done = 0;
    this.#sendFrame(record.peerId, { v: 1, type: 'file-pause', id: record.id });
    logger.info('transfer-pause-answered', { id: record.id, offset });
    this.#changed();
  }

  async #peerAccepted(
    live: Live,
    accept: Extract<FileFrame, { type: 'file-accept' }>,
  ): Promise<void> {
    const { record } = live;
    const { ownId, links, outgoing } = this.#options;
    const { offset, channel: channelId } = accept;
    if (offset > record.size || !isPeersChannelId(ownId, record.peerId, channelId)) {
      logger.warn('transfer-protocol-error', { id: record.id, reason: 'bad file-accept' });
      return this.#end(live, 'failed', 'protocol', 'file-cancel');
    }
    const file = live.file;
    if (!file) return this.#setState(live, 'paused', null);
    this.#stopRunning(live);
    if (live.reattached) {
      const check = new AbortController();
      live.pump = check; // Stopped like a run, by a cancel or a newer accept.
      let same: boolean;
      try {
        same = await prefixMatches(
          outgoing.digest,
          file,
          offset,
          accept.prefixSha256,
          check.signal,
        );
      } catch (error) {
        if (live.pump !== check) return;
        live.pump = null;
        return this.#sourceFailed(live, error);
      }
      if (live.pump !== check) return;
      live.pump = null;
      if (!same) return this.#refuseReattached(live, offset);
      live.reattached = false;
    }
    const channel = links.openChannel(record.peerId, channelId);
    if (!channel) {
      // The connection went, or the browser refused the id: the receiver asks again.
      logger.warn('transfer-channel-unavailable', { id: record.id, channelId });
      return this.#setState(live, 'interrupted', null);
    }
    const pump = new AbortController();
    live.channel = channel;
    live.pump = pump;
    live.start = offset;
    live.done = 0;
    live.meter.reset();
    if (!live.hash) {
      live.hashing = new AbortController();
      live.hash = outgoing.hash(file, live.hashing.signal);
    }
    await this.#setState(live, 'transferring', null);
    const sentBefore = record.sentBytes;
    try {
      await waitUntilOpen(channel);
      await outgoing.pump({
        file,
        from: offset,
        channel,
        signal: pump.signal,
        hash: live.hash,
        onProgress: (sent) => {
          live.done = sent - Math.min(sent, channel.bufferedAmount);
          record.sentBytes = sentBefore + sent;
          live.meter.update(live.done);
          this.#changed();
        },
      });
      const sha256 = await live.hash.sha256;
      if (live.pump !== pump) return;
      record.sha256 = sha256;
      this.#sendFrame(record.peerId, { v: 1, type: 'file-end', id: record.id, sha256 });
      live.pump = null;
      await this.#setState(live, 'verifying', null);
    } catch (error) {
      if (live.pump !== pump) return; // Cancelled, or replaced by a new accept.
      live.pump = null;
      if (error instanceof TransferError && error.reason === 'channel-closed') {
        // The connection dropped, or the receiver will ask again (or say why it ended).
        if (record.state === 'transferring') await this.#setState(live, 'interrupted', null);
        return;
      }
      return this.#sourceFailed(live, error);
    } finally {
      void this.#save(live);
    }
  }

  /** Reading or hashing the file failed: the transfer ends, and the receiver is told why. */
  #sourceFailed(live: Live, error: unknown): Promise<void> {
    const { id } = live.record;
    if (error instanceof TransferError && error.reason === 'source-unreadable') {
      logger.warn('transfer-source-unreadable', { id, error: error.message });
      return this.#end(live, 'failed', 'source-unreadable', 'file-cancel');
    }
    logger.error('transfer-send-failed', { id, error: String(error) });
    return this.#end(live, 'failed', 'failed', 'file-cancel');
  }

  /**
   * The file attached again does not begin with what the receiver stored: it is another
   * file. Back to paused, saying so; the receiver keeps its bytes and waits.
   */
  async #refuseReattached(live: Live, offset: number): Promise<void> {
    const { record } = live;
    logger.warn('transfer-reattach-refused', { id: record.id, reason: 'prefix', offset });
    live.file = null;
    live.reattached = false;
    live.start = offset;
    live.done = 0;
    await this.#setState(live, 'paused', 'different-file');
    this.#sendFrame(record.peerId, { v: 1, type: 'file-pause', id: record.id });
  }

  // ---- shared ----

  /**
   * Ends a transfer: stops what runs, deletes a partial incoming file, tells the peer
   * `frame` (now or when it is next online), and keeps the record for the views.
   */
  async #end(
    live: Live,
    state: Extract<TransferState, 'declined' | 'cancelled' | 'failed'>,
    reason: TransferFailure | null,
    frame: TransferRecord['owed'],
    by: 'me' | 'peer' = frame === null ? 'peer' : 'me',
  ): Promise<void> {
    const { record } = live;
    // Taken before the rest stops: only the sink's own worker can delete a file it holds.
    const sink = live.sink;
    live.sink = null;
    this.#stopRunning(live);
    live.file = null;
    live.hashing?.abort(new DOMException('The transfer ended.', 'AbortError'));
    live.hashing = null;
    live.hash = null;
    record.state = state;
    record.reason = reason;
    record.endedBy = by;
    if (frame && !this.#sendOwed(record, frame)) record.owed = frame;
    if (record.direction === 'in') {
      const { incoming } = this.#options;
      await (sink ? sink.discard() : retryWhileBusy(() => incoming.remove(record.id))).catch(
        (error: unknown) =>
          logger.warn('transfer-discard-failed', { id: record.id, error: String(error) }),
      );
      record.storedBytes = 0;
      record.hashState = null;
    }
    logger.info('transfer-ended', { id: record.id, state, reason });
    await this.#save(live);
    this.#changed();
  }

  /** Stops the running part (pump, channel, sink) without ending the transfer. */
  #stopRunning(live: Live): void {
    live.pump?.abort(new DOMException('The transfer stopped.', 'AbortError'));
    live.pump = null;
    live.channel?.close();
    live.channel = null;
    live.sink?.close();
    live.sink = null;
  }

  #sendOwed(record: TransferRecord, frame = record.owed): boolean {
    if (!frame) return true;
    if (frame === 'file-cancel') return this.#sendFrame(record.peerId, this.#endingFrame(record));
    return this.#sendFrame(record.peerId, { v: 1, type: frame, id: record.id });
  }

  /** The frame that tells the peer why a transfer ended. */
  #endingFrame(record: TransferRecord): WireMessage {
    if (record.state === 'declined') return { v: 1, type: 'file-decline', id: record.id };
    if (record.state === 'complete') return { v: 1, type: 'file-complete', id: record.id };
    return { v: 1, type: 'file-cancel', id: record.id, reason: wireReason(record.reason) };
  }

  async #setState(live: Live, state: TransferState, reason: TransferFailure | null): Promise<void> {
    live.record.state = state;
    live.record.reason = reason;
    await this.#save(live);
    this.#changed();
  }

  async #save(live: Live): Promise<void> {
    try {
      await this.#options.store.put({ ...live.record });
    } catch (error) {
      logger.error('transfer-record-not-stored', { id: live.record.id, error: String(error) });
    }
  }

  #sendFrame(peerId: string, frame: WireMessage): boolean {
    return this.#options.links.send(peerId, encodeFrame(frame));
  }

  #live(record: TransferRecord): Live {
    return {
      record,
      meter: new ProgressMeter(),
      start: 0,
      done: 0,
      channel: null,
      file: null,
      reattached: false,
      pump: null,
      hash: null,
      hashing: null,
      sink: null,
      endHash: null,
    };
  }

  #summary(live: Live): TransferSummary {
    const { record } = live;
    const running = record.state === 'transferring';
    const doneBytes =
      record.direction === 'in'
        ? record.state === 'complete'
          ? record.size
          : running
            ? live.start + live.done
            : record.storedBytes
        : record.state === 'complete' || record.state === 'verifying'
          ? record.size
          : live.start + live.done;
    return {
      id: record.id,
      peerId: record.peerId,
      direction: record.direction,
      name: safeFileName(record.name),
      size: record.size,
      offeredAt: record.offeredAt,
      state: record.state,
      reason: record.reason,
      endedBy: record.endedBy,
      doneBytes,
      sentBytes: record.sentBytes,
      bytesPerSecond: running ? live.meter.bytesPerSecond() : null,
      secondsLeft: running ? live.meter.secondsLeft(record.size - doneBytes) : null,
      downloadId: record.downloadId,
    };
  }

  #changed(): void {
    this.#options.onChange();
  }
}

/** The wire's reason for a local failure. */
function wireReason(reason: TransferFailure | null): FileCancelReason {
  if (
    reason === 'save-failed' ||
    reason === 'protocol' ||
    reason === 'different-file' ||
    reason === null
  )
    return 'failed';
  return reason;
}
