// What the transfer service needs from the rest of the host, as interfaces: the real
// ones are ContactLinks, the OPFS sink (./receive), the pump and hasher (./send) and the
// platform's downloads; tests hand in their own.

/** The part of RTCDataChannel a transfer uses, on either side. */
export interface DataChannelLike {
  /** The SCTP stream id (negotiated channels always have one). */
  readonly id: number | null;
  readonly readyState: RTCDataChannelState;
  binaryType: BinaryType;
  bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  send(data: ArrayBuffer | ArrayBufferView<ArrayBuffer>): void;
  close(): void;
  addEventListener(
    type: 'open' | 'close' | 'error' | 'bufferedamountlow',
    listener: (event: Event) => void,
  ): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  removeEventListener(
    type: 'open' | 'close' | 'error' | 'bufferedamountlow',
    listener: (event: Event) => void,
  ): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

export interface TransferLinks {
  isOnline(peerId: string): boolean;
  /** Sends one text frame on the contact's connection; whether it was handed over. */
  send(peerId: string, frame: string): boolean;
  /**
   * Opens the negotiated data channel `id` on the contact's peer connection, or returns
   * null when there is no open connection. It closes when that connection does.
   */
  openChannel(peerId: string, id: number): DataChannelLike | null;
}

/** Where a resumed incoming file continues: its flushed length and the hash state there. */
export interface ResumePoint {
  offset: number;
  hashState: Uint8Array;
}

/** An incoming file being written to disk. */
export interface IncomingFile {
  /**
   * Where writing starts: the resume point's offset, or 0 when what is on disk could not
   * honour it (the file is then written from the start).
   */
  readonly startOffset: number;
  /** Appends the next bytes; they are written in order. */
  append(chunk: ArrayBuffer): void;
  /** Bytes handed over but not yet written. */
  readonly queuedBytes: number;
  onCheckpoint(listener: (point: ResumePoint) => void): void;
  onError(listener: (reason: 'no-space' | 'failed', detail: string) => void): void;
  /** Writes what is left, and the SHA-256 of everything written. */
  finish(): Promise<{ sha256: string; size: number }>;
  /** Stops, keeping what was flushed (the transfer will resume). */
  close(): void;
  /** Stops and deletes the file. */
  discard(): Promise<void>;
}

export interface IncomingFiles {
  open(transferId: string, resume: ResumePoint | null): Promise<IncomingFile>;
  /** A finished file, to save. */
  read(transferId: string): Promise<File>;
  remove(transferId: string): Promise<void>;
  /** Transfer ids with a file on disk (to clear leftovers at start-up). */
  list(): Promise<string[]>;
}

export interface PumpArguments {
  file: Blob;
  from: number;
  channel: DataChannelLike;
  signal: AbortSignal;
  /** Bytes handed to the channel in this run so far. */
  onProgress: (sentThisRun: number) => void;
  /** The file's hash, from `hash()`: it takes the bytes this run reads. */
  hash: OutgoingHash;
}

/** The SHA-256 of a file being sent. */
export interface OutgoingHash {
  /**
   * 64 lower-case hex digits; settles once a pump has sent the file to its end. Rejects
   * with a TransferError, or with the signal's reason when `hash()`'s signal aborts.
   */
  readonly sha256: Promise<string>;
}

export interface OutgoingFiles {
  /** Sends `file` from `from` to its end; rejects with a TransferError. */
  pump(args: PumpArguments): Promise<void>;
  /**
   * Starts the SHA-256 of the whole file, off the host's thread. It is computed from the
   * bytes the pumps given it read, so the file is read once; bytes none of them read (a
   * resume's start, after the sender restarted) it reads itself.
   */
  hash(file: Blob, signal: AbortSignal): OutgoingHash;
  /**
   * The SHA-256 (hex) of all of `blob`, read for the purpose, off the host's thread: for a
   * file attached again, whose first bytes must be those the receiver stored.
   */
  digest(blob: Blob, signal: AbortSignal): Promise<string>;
}

/** Why an engine part gave up, in the terms of the wire's file-cancel reasons. */
export class TransferError extends Error {
  constructor(
    readonly reason: 'source-unreadable' | 'channel-closed' | 'no-space' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

export interface Downloads {
  /** Saves a verified file to the Downloads folder under `name` (already safe). */
  save(file: File, name: string): Promise<{ downloadId: number }>;
  /** Shows a saved file in its folder. */
  show(downloadId: number): void;
}
