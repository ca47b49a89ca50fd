// How the tests start Chromium: Debian's build, headless, with Parley loaded, and with
// WebRTC allowed to use loopback, the only network there is in the test namespace.

export const chromiumPath = '/usr/bin/chromium';

/** Flags that make WebRTC work between two headless profiles over loopback, and keep Chromium quiet. */
export function chromiumArgs(extensionDir: string): string[] {
  return [
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    // Loopback is the only interface in the test namespace; Chromium skips it by default.
    '--allow-loopback-in-peer-connection',
    // With mDNS hiding, host candidates are `<uuid>.local` names nobody can resolve here.
    // Playwright passes a --disable-features of its own, and where a switch repeats Chromium
    // reads the last one: so this repeats those of Playwright's that matter here (keep the
    // profile when the browser closes; no network calls at startup).
    '--disable-features=WebRtcHideLocalIpsWithMdns,DestroyProfileOnBrowserClose,MediaRouter,OptimizationHints,NetworkTimeServiceQuerying',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    // A second DevTools endpoint for DevToolsTap; Playwright keeps its own pipe.
    '--remote-debugging-port=0',
  ];
}
