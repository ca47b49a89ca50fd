import type { browser as WxtBrowser } from 'wxt/browser';

type Browser = typeof WxtBrowser;
type DownloadDelta = Parameters<Parameters<Browser['downloads']['onChanged']['addListener']>[0]>[0];

/**
 * Chrome's offscreen document has no downloads API: the host makes a blob URL of the
 * verified file and asks the service worker to save it, which answers once the file is
 * on disk. Firefox's background page saves it itself.
 */
export interface DownloadRequest {
  type: 'parley:download';
  url: string;
  filename: string;
}

export type DownloadResult = { ok: true; downloadId: number } | { ok: false; error: string };

export function isDownloadRequest(message: unknown): message is DownloadRequest {
  const candidate = message as Partial<DownloadRequest> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.type === 'parley:download' &&
    typeof candidate.url === 'string' &&
    typeof candidate.filename === 'string'
  );
}

/**
 * Saves `url` to the Downloads folder as `filename` (already made safe; a name that is
 * taken gets " (1)" and so on), and resolves with the download's id once the browser
 * has written all of it, so the caller may then let go of the source.
 */
export async function saveDownload(
  browser: Browser,
  url: string,
  filename: string,
): Promise<number> {
  const downloadId = await browser.downloads.download({
    url,
    filename,
    conflictAction: 'uniquify',
    saveAs: false,
  });
  await new Promise<void>((resolve, reject) => {
    const settle = (state: string | undefined, error: string | undefined): boolean => {
      if (state === 'complete') resolve();
      else if (state === 'interrupted')
        reject(new Error(`The download failed (${error ?? 'interrupted'}).`));
      else return false;
      browser.downloads.onChanged.removeListener(listener);
      return true;
    };
    const listener = (delta: DownloadDelta) => {
      if (delta.id === downloadId) settle(delta.state?.current, delta.error?.current);
    };
    browser.downloads.onChanged.addListener(listener);
    // A small file may be done before the listener was added.
    void browser.downloads.search({ id: downloadId }).then(([item]) => {
      if (item) settle(item.state, item.error);
    });
  });
  return downloadId;
}

/** Answers a DownloadRequest in the service worker. */
export async function answerDownloadRequest(
  browser: Browser,
  request: DownloadRequest,
): Promise<DownloadResult> {
  try {
    return { ok: true, downloadId: await saveDownload(browser, request.url, request.filename) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
