import { describe, expect, it, vi } from 'vitest';
import type { HostView } from './host-view.svelte.ts';

// As in conversation-state.test.ts: runes are not compiled here, so `$state` is shimmed.
const rune = <T>(value: T): T => value;
vi.stubGlobal('$state', Object.assign(rune, { raw: rune }));
const { ConversationFiles } = await import('./conversation-files.svelte.ts');

function fakeHost(answer: (method: string, params: unknown) => unknown) {
  const host = {
    request: vi.fn(async (method: string, params: unknown) => answer(method, params)),
  };
  return host as unknown as HostView & typeof host;
}

const file = (name: string) => new File(['x'], name);

describe('ConversationFiles', () => {
  it('offers the files to its contact', async () => {
    const host = fakeHost(() => ({ ok: true }));
    const files = new ConversationFiles(host, 'bob');
    const a = file('a.txt');
    expect(await files.send([a])).toBe(true);
    expect(host.request).toHaveBeenCalledWith('sendFiles', { peerId: 'bob', files: [a] });
    expect(files.error).toBeNull();
  });

  it("shows the host's refusal, and clears it on the next success", async () => {
    let answer: unknown = { ok: false, error: 'You can only send files to your contacts.' };
    const files = new ConversationFiles(
      fakeHost(() => answer),
      'bob',
    );
    expect(await files.send([file('a.txt')])).toBe(false);
    expect(files.error).toBe('You can only send files to your contacts.');
    answer = { ok: true };
    await files.send([file('a.txt')]);
    expect(files.error).toBeNull();
  });

  it('says so when the host does not answer', async () => {
    const files = new ConversationFiles(
      fakeHost(() => Promise.reject(new Error('Parley’s background host did not answer.'))),
      'bob',
    );
    expect(await files.send([file('a.txt')])).toBe(false);
    expect(files.error).toBe('Parley’s background host did not answer.');
    expect(await files.cancel('t1')).toEqual({
      ok: false,
      error: 'Parley’s background host did not answer.',
    });
  });

  it('attaches one dropped file to a paused transfer, and refuses a drop of several', async () => {
    const host = fakeHost(() => ({ ok: false, error: 'That file is called “b.txt”.' }));
    const files = new ConversationFiles(host, 'bob');
    expect(await files.reattachDropped('t1', [file('a.txt'), file('b.txt')])).toBe(false);
    expect(host.request).not.toHaveBeenCalled();
    expect(files.error).toMatch(/just the one file/);
    const b = file('b.txt');
    expect(await files.reattachDropped('t1', [b])).toBe(false);
    expect(host.request).toHaveBeenCalledWith('reattachFile', { id: 't1', file: b });
    expect(files.error).toBe('That file is called “b.txt”.');
  });

  it('tells that folders cannot be sent, with or without files beside them', async () => {
    const host = fakeHost(() => ({ ok: true }));
    const files = new ConversationFiles(host, 'bob');
    expect(await files.send([], 1)).toBe(false);
    expect(host.request).not.toHaveBeenCalled();
    expect(files.error).toMatch(/Folders cannot be sent/);
    expect(await files.send([file('a.txt')], 2)).toBe(true);
    expect(files.error).toMatch(/Folders cannot be sent/);
  });

  it('sends nothing for nothing', async () => {
    const host = fakeHost(() => ({ ok: true }));
    expect(await new ConversationFiles(host, 'bob').send([])).toBe(false);
    expect(host.request).not.toHaveBeenCalled();
  });

  it('answers, cancels and shows transfers by id', async () => {
    const host = fakeHost(() => ({ ok: true }));
    const files = new ConversationFiles(host, 'bob');
    await files.answer('t1', true);
    await files.answer('t2', false);
    await files.cancel('t3');
    await files.showDownload('t4');
    expect(host.request.mock.calls).toEqual([
      ['answerTransfer', { id: 't1', accept: true }],
      ['answerTransfer', { id: 't2', accept: false }],
      ['cancelTransfer', { id: 't3' }],
      ['showDownload', { id: 't4' }],
    ]);
  });
});
