import { browser } from 'wxt/browser';
import type { Downloads } from '../transfer/transfer-ports.ts';
import { saveDownload, type DownloadRequest, type DownloadResult } from './downloads.ts';
import type { HostPlatform } from './host-platform.ts';

/** Saving verified files to Downloads from the host, in either browser (see downloads.ts). */
export function createHostDownloads(platform: HostPlatform): Downloads {
  const direct = import.meta.env.BROWSER === 'firefox';
  return {
    async save(file, name) {
      // The URL reads the file where it lies (the origin private file system): no copy.
      // Typed as opaque bytes: the browser would otherwise sniff the content and "fix"
      // the name's extension to match (one.bin saved as one.txt).
      const url = URL.createObjectURL(file.slice(0, file.size, 'application/octet-stream'));
      try {
        if (direct) return { downloadId: await saveDownload(browser, url, name) };
        const request: DownloadRequest = { type: 'parley:download', url, filename: name };
        const result = (await browser.runtime.sendMessage(request)) as DownloadResult | undefined;
        if (!result?.ok) throw new Error(result?.error ?? 'The service worker did not answer.');
        return { downloadId: result.downloadId };
      } finally {
        URL.revokeObjectURL(url);
      }
    },
    show(downloadId) {
      platform.request({ op: 'show-download', downloadId });
    },
  };
}
