import type { ActionResult } from '../lib/protocol/host-state.ts';
import type { HostView } from './host-view.svelte.ts';

/**
 * Sending files to one contact and acting on transfers, through the host. What the
 * transfers look like comes from the host's state (`HostState.transfers`); this holds
 * only what the view adds: the last error of sending.
 */
export class ConversationFiles {
  readonly peerId: string;
  /** Why the last files were not sent (or what was left out); null when they were. */
  error = $state<string | null>(null);
  readonly #host: HostView;

  constructor(host: HostView, peerId: string) {
    this.#host = host;
    this.peerId = peerId;
  }

  /**
   * Offers `files` to the contact. `folders` counts folders that were dropped with them:
   * they cannot be sent, and the user is told. Resolves true once the host took the files.
   */
  async send(files: readonly File[], folders = 0): Promise<boolean> {
    this.error = null;
    const leftOut =
      folders > 0 ? 'Folders cannot be sent. Choose or drop the files inside them.' : null;
    if (files.length === 0) {
      this.error = leftOut;
      return false;
    }
    const result = await this.#request(() =>
      this.#host.request('sendFiles', { peerId: this.peerId, files: [...files] }),
    );
    this.error = result.ok ? leftOut : result.error;
    return result.ok;
  }

  answer(id: string, accept: boolean): Promise<ActionResult> {
    return this.#request(() => this.#host.request('answerTransfer', { id, accept }));
  }

  /** Attaches the file of a paused transfer again, to resume it. */
  reattach(id: string, file: File): Promise<ActionResult> {
    return this.#request(() => this.#host.request('reattachFile', { id, file }));
  }

  /** Files dropped on a paused transfer's card: exactly one, its file, resumes it. */
  async reattachDropped(id: string, files: readonly File[]): Promise<boolean> {
    this.error = null;
    const [file] = files;
    if (!file || files.length > 1) {
      this.error = 'Drop just the one file to resume this transfer.';
      return false;
    }
    const result = await this.reattach(id, file);
    if (!result.ok) this.error = result.error;
    return result.ok;
  }

  cancel(id: string): Promise<ActionResult> {
    return this.#request(() => this.#host.request('cancelTransfer', { id }));
  }

  showDownload(id: string): Promise<ActionResult> {
    return this.#request(() => this.#host.request('showDownload', { id }));
  }

  /** A request that fails to arrive (the host is gone, or threw) reads like any refusal. */
  async #request(send: () => Promise<ActionResult>): Promise<ActionResult> {
    try {
      return await send();
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
