import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OffscreenHost, type OffscreenApi } from './offscreen-host.ts';

const DOCUMENT_URL = 'chrome-extension://test/offscreen.html';

/** Chrome's offscreen API in memory: one document per URL, each call a real await. */
class MemoryOffscreen implements OffscreenApi {
  readonly open = new Set<string>();
  readonly createCalls: string[] = [];
  /** Runs inside createDocument before Chrome's own check, e.g. to fail or to lose a race. */
  beforeCreate: () => void = () => undefined;

  async hasDocument(url: string): Promise<boolean> {
    await Promise.resolve();
    return this.open.has(url);
  }

  async createDocument(url: string): Promise<void> {
    this.createCalls.push(url);
    await Promise.resolve();
    this.beforeCreate();
    if (this.open.size > 0) throw new Error('Only a single offscreen document may be created.');
    this.open.add(url);
  }
}

let api: MemoryOffscreen;
let host: OffscreenHost;

beforeEach(() => {
  api = new MemoryOffscreen();
  host = new OffscreenHost(api, DOCUMENT_URL);
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('OffscreenHost.ensure', () => {
  it('creates the document when it is missing', async () => {
    await host.ensure();
    expect(api.createCalls).toEqual([DOCUMENT_URL]);
    expect(api.open.has(DOCUMENT_URL)).toBe(true);
  });

  it('leaves an existing document alone', async () => {
    api.open.add(DOCUMENT_URL);
    await host.ensure();
    expect(api.createCalls).toEqual([]);
  });

  it('creates the document once for concurrent callers', async () => {
    await Promise.all([host.ensure(), host.ensure(), host.ensure()]);
    expect(api.createCalls).toHaveLength(1);
  });

  it('creates it again after Chrome closed it', async () => {
    await host.ensure();
    api.open.delete(DOCUMENT_URL);
    await host.ensure();
    expect(api.createCalls).toHaveLength(2);
    expect(api.open.has(DOCUMENT_URL)).toBe(true);
  });

  it('resolves when another caller created the document first', async () => {
    api.beforeCreate = () => api.open.add(DOCUMENT_URL);
    await expect(host.ensure()).resolves.toBeUndefined();
    expect(console.error).not.toHaveBeenCalled();
  });

  it('rejects a real failure, logs it, and tries again on the next call', async () => {
    api.beforeCreate = () => {
      throw new Error('offscreen API unavailable');
    };
    await expect(host.ensure()).rejects.toThrow('offscreen API unavailable');
    expect(console.error).toHaveBeenCalledWith(
      '[parley] offscreen-host-create-failed',
      expect.stringContaining('offscreen API unavailable'),
    );

    api.beforeCreate = () => undefined;
    await host.ensure();
    expect(api.createCalls).toHaveLength(2);
    expect(api.open.has(DOCUMENT_URL)).toBe(true);
  });
});
