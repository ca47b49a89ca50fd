import { defineConfig } from 'wxt';

// The extension is built for Chrome (MV3, peer host in an offscreen document)
// and Firefox (MV2, peer host in the persistent background page).
// See docs/architecture.md for why the peer never lives in the popup.
export default defineConfig({
  modules: ['@wxt-dev/module-svelte', '@wxt-dev/webextension-polyfill'],
  // Explicit imports keep every module loadable by plain TypeScript tooling and tests.
  imports: false,
  manifest: ({ browser }) => ({
    name: 'Parley',
    description: 'Private, peer-to-peer chat, file sharing and video calls.',
    permissions:
      browser === 'firefox'
        ? ['notifications', 'downloads']
        : ['offscreen', 'alarms', 'notifications', 'downloads'],
    // hash-wasm hashes received files incrementally (and resumably) in WebAssembly, which
    // Chrome's default extension policy forbids. No eval: only WebAssembly compilation.
    content_security_policy:
      browser === 'firefox'
        ? "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'"
        : { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" },
    // The keyboard shortcut that opens the popup.
    commands: {
      [browser === 'firefox' ? '_execute_browser_action' : '_execute_action']: {
        suggested_key: { default: 'Alt+Shift+P' },
        description: 'Open Parley',
      },
    },
    ...(browser === 'firefox' && {
      browser_specific_settings: {
        gecko: {
          id: 'parley@parley.chat',
          strict_min_version: '140.0',
          // Parley sends nothing to its developers; peers exchange data directly.
          data_collection_permissions: { required: ['none'] },
        },
      },
    }),
  }),
  zip: {
    artifactTemplate: 'parley-{{version}}-{{browser}}.zip',
    sourcesTemplate: 'parley-{{version}}-sources.zip',
    // Reviewers rebuild from the sources zip; the release defaults live in .env.production.
    includeSources: ['.env.production', '.nvmrc'],
    excludeSources: ['.output/**', 'test-results/**', '.profiles/**', '**/node_modules/**'],
  },
});
