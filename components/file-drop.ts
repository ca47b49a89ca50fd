/** How long a drag stays highlighted without a `dragover`; browsers send one every 350 ms at most. */
export const DRAG_IDLE_MS = 1_000;

/** Whether a drag carries files from outside the page, not text, links or page elements. */
export function carriesFiles(data: DataTransfer | null | undefined): boolean {
  return !!data && Array.from(data.types).includes('Files');
}

/**
 * The files of a drop, and how many folders it held (a folder arrives as a File that
 * cannot be read, so it is left out and counted). Call it while the drop event runs:
 * the items are gone after.
 */
export function droppedFiles(data: DataTransfer): { files: File[]; folders: number } {
  const items = Array.from(data.items);
  if (items.length === 0) return { files: Array.from(data.files), folders: 0 };
  const files: File[] = [];
  let folders = 0;
  for (const item of items) {
    if (item.kind !== 'file') continue;
    if (item.webkitGetAsEntry()?.isDirectory) {
      folders += 1;
      continue;
    }
    const file = item.getAsFile();
    if (file) files.push(file);
  }
  return { files, folders };
}

/**
 * Whether files are being dragged over an element, from its drag events. `dragenter` and
 * `dragleave` fire for every child the pointer crosses, the new child's enter before the
 * old one's leave, so a depth count says when the pointer has left the element (or the
 * window) for good. `dragover` heals a count that missed an event, and a drag that ends
 * without a last `dragleave` times out.
 */
export class FileDragTracker {
  readonly #onChange: (active: boolean) => void;
  #depth = 0;
  #active = false;
  #idle: ReturnType<typeof setTimeout> | undefined;

  constructor(onChange: (active: boolean) => void) {
    this.#onChange = onChange;
  }

  /** On `dragenter`; true if the drag carries files (the handler should then preventDefault). */
  enter(data: DataTransfer | null): boolean {
    if (!carriesFiles(data)) return false;
    this.#depth += 1;
    this.#set(true);
    return true;
  }

  /** On `dragover`; true if the drag carries files (the handler must then preventDefault). */
  over(data: DataTransfer | null): boolean {
    if (!carriesFiles(data)) return false;
    this.#depth = Math.max(this.#depth, 1);
    this.#set(true);
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.end(), DRAG_IDLE_MS);
    return true;
  }

  /** On `dragleave`. */
  leave(): void {
    if (this.#depth === 0) return;
    this.#depth -= 1;
    if (this.#depth === 0) this.end();
  }

  /** On `drop`, and when the element goes away. */
  end(): void {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    this.#depth = 0;
    this.#set(false);
  }

  #set(active: boolean): void {
    if (active === this.#active) return;
    this.#active = active;
    this.#onChange(active);
  }
}
