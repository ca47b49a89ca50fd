import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { carriesFiles, DRAG_IDLE_MS, droppedFiles, FileDragTracker } from './file-drop.ts';

const withTypes = (...types: string[]) => ({ types }) as unknown as DataTransfer;
const FILES = withTypes('Files', 'application/x-moz-file');
const TEXT = withTypes('text/plain', 'text/html');

describe('carriesFiles', () => {
  it('is true only for drags that carry files', () => {
    expect(carriesFiles(FILES)).toBe(true);
    expect(carriesFiles(TEXT)).toBe(false);
    expect(carriesFiles(null)).toBe(false);
  });
});

describe('droppedFiles', () => {
  const file = (name: string) => new File(['x'], name);
  const item = (kind: string, value: File | null, isDirectory = false) => ({
    kind,
    getAsFile: () => value,
    webkitGetAsEntry: () => (value ? { isDirectory } : null),
  });

  it('keeps the files, and counts folders apart', () => {
    const a = file('a.txt');
    const b = file('b.txt');
    const data = {
      items: [
        item('file', a),
        item('file', file('photos'), true),
        item('string', null),
        item('file', b),
      ],
      files: [],
    } as unknown as DataTransfer;
    expect(droppedFiles(data)).toEqual({ files: [a, b], folders: 1 });
  });

  it('falls back to the file list when there are no items', () => {
    const a = file('a.txt');
    const data = { items: [], files: [a] } as unknown as DataTransfer;
    expect(droppedFiles(data)).toEqual({ files: [a], folders: 0 });
  });
});

describe('FileDragTracker', () => {
  let changes: boolean[];
  let tracker: FileDragTracker;

  beforeEach(() => {
    vi.useFakeTimers();
    changes = [];
    tracker = new FileDragTracker((active) => changes.push(active));
  });
  afterEach(() => vi.useRealTimers());

  it('stays active while the pointer crosses children, and ends when it leaves the last', () => {
    expect(tracker.enter(FILES)).toBe(true); // the conversation
    expect(tracker.enter(FILES)).toBe(true); // a message: its enter comes before the leave
    tracker.leave();
    tracker.enter(FILES); // the composer
    tracker.leave();
    expect(changes).toEqual([true]);
    tracker.leave(); // out of the window
    expect(changes).toEqual([true, false]);
  });

  it('ignores drags without files', () => {
    expect(tracker.enter(TEXT)).toBe(false);
    expect(tracker.over(TEXT)).toBe(false);
    tracker.leave();
    expect(changes).toEqual([]);
  });

  it('ends on drop, whatever the count', () => {
    tracker.enter(FILES);
    tracker.enter(FILES);
    tracker.end();
    expect(changes).toEqual([true, false]);
    tracker.leave(); // a late leave changes nothing
    expect(changes).toEqual([true, false]);
  });

  it('comes back on dragover after a leave too many', () => {
    tracker.enter(FILES);
    tracker.leave();
    tracker.leave();
    expect(tracker.over(FILES)).toBe(true);
    expect(changes).toEqual([true, false, true]);
    tracker.leave();
    expect(changes).toEqual([true, false, true, false]);
  });

  it('ends when dragover stops without a last dragleave', () => {
    tracker.enter(FILES);
    tracker.over(FILES);
    vi.advanceTimersByTime(DRAG_IDLE_MS - 100);
    tracker.over(FILES);
    vi.advanceTimersByTime(DRAG_IDLE_MS - 100);
    expect(changes).toEqual([true]);
    vi.advanceTimersByTime(100);
    expect(changes).toEqual([true, false]);
  });
});
