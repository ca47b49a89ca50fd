import type { DBSchema, IDBPDatabase } from 'idb';
import { logger } from '../log.ts';

/** Opens the database; calls `terminated` if the browser later closes the connection. */
export type OpenDatabase<Schema extends DBSchema> = (
  terminated: () => void,
) => Promise<IDBPDatabase<Schema>>;

/** Waits between attempts to reopen: the disk that filled up may take a while to free. */
const RETRY_DELAYS_MS = [0, 1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * An IndexedDB connection that opens itself again when the browser terminates it. Chrome
 * closes every connection of an origin when a write finds the disk full; without this,
 * every later write (chat history, transfer records, resume checkpoints) would fail until
 * the host restarted, though the disk had long been freed.
 *
 * Requests made while it is reopening fail as they would on the closed connection; the
 * stores' callers already treat a failed write as not stored. The first connection's
 * failure to open is the caller's (it rejects `open`); a reopen is retried, with growing
 * pauses, until it succeeds or `close()` is called.
 */
export class ReopeningDatabase<Schema extends DBSchema> {
  readonly #open: OpenDatabase<Schema>;
  readonly #name: string;
  readonly #retryDelaysMs: readonly number[];
  #connection: IDBPDatabase<Schema>;
  #closed = false;
  #reopening = false;

  private constructor(
    name: string,
    open: OpenDatabase<Schema>,
    connection: IDBPDatabase<Schema>,
    retryDelaysMs: readonly number[],
  ) {
    this.#name = name;
    this.#retryDelaysMs = retryDelaysMs;
    this.#open = open;
    this.#connection = connection;
  }

  static async open<Schema extends DBSchema>(
    name: string,
    open: OpenDatabase<Schema>,
    retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
  ): Promise<ReopeningDatabase<Schema>> {
    // The connection can end before this returns; the handler finds the database then.
    const made: { database?: ReopeningDatabase<Schema> } = {};
    const connection = await open(() => {
      if (made.database) made.database.#terminated();
    });
    made.database = new ReopeningDatabase(name, open, connection, retryDelaysMs);
    return made.database;
  }

  /** The connection to use now: the newest one. */
  get connection(): IDBPDatabase<Schema> {
    return this.#connection;
  }

  close(): void {
    this.#closed = true;
    this.#connection.close();
  }

  #terminated(): void {
    logger.error('database-terminated', { databaseName: this.#name });
    if (this.#closed || this.#reopening) return;
    this.#reopening = true;
    void this.#reopen();
  }

  async #reopen(): Promise<void> {
    for (let attempt = 0; !this.#closed; attempt += 1) {
      const delays = this.#retryDelaysMs;
      const delay = delays[Math.min(attempt, delays.length - 1)] ?? 0;
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.#closed) break;
      try {
        const connection = await this.#open(() => this.#terminated());
        if (this.#closed) {
          connection.close();
          break;
        }
        this.#connection = connection;
        this.#reopening = false;
        logger.info('database-reopened', { databaseName: this.#name, attempt });
        return;
      } catch (error) {
        logger.warn('database-reopen-failed', {
          databaseName: this.#name,
          attempt,
          error: String(error),
        });
      }
    }
    this.#reopening = false;
  }
}
