// One Parley user: a Chromium profile (its own user-data-dir) with the development build
// loaded. Two profiles are two users. The same profile can be closed or killed and
// launched again, as a person restarts their browser.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium-args.ts';
import { DevToolsTap } from './devtools-tap.ts';
import { OptionsPage } from './options-page.ts';
import { chromeBuildDir, requireBuild } from './paths.ts';
import { PopupPage } from './popup-page.ts';
import { assertPrivateNetwork } from './private-network.ts';
import { pidsWithArgument } from './processes.ts';
import { waitFor } from './wait.ts';

/** The few `chrome.*` APIs the tests call in the service worker (the project has no @types/chrome). */
interface ChromeApis {
  chrome: {
    runtime: { getContexts(filter: { contextTypes: string[] }): Promise<unknown[]> };
    offscreen: { closeDocument(): Promise<void> };
  };
}

/** What starts the browser: Debian's Chromium, or a wrapper that execs it (see small-disk.ts). */
export interface ChromiumLauncher {
  executablePath: string;
  /** Added to the environment the browser starts with. */
  env?: Record<string, string>;
  /** Added after the usual flags (chromium-args.ts); where a switch repeats, Chromium reads the last. */
  args?: string[];
}

export class ChromiumProfile {
  readonly name: string;
  readonly userDataDir: string;
  readonly extensionDir: string;
  /** Console output of the extension's pages, service worker and offscreen document. */
  readonly logLines: string[] = [];
  #context: BrowserContext | undefined;
  #tap: DevToolsTap | undefined;
  #extensionId = '';
  #backgroundScript = 'background.js';
  readonly #launcher: ChromiumLauncher;

  private constructor(
    name: string,
    userDataDir: string,
    extensionDir: string,
    launcher: ChromiumLauncher,
  ) {
    this.name = name;
    this.userDataDir = userDataDir;
    this.extensionDir = extensionDir;
    this.#launcher = launcher;
  }

  /** Creates a fresh profile in a temporary directory and launches Chromium on it. */
  static async launch(
    name: string,
    extensionDir = chromeBuildDir,
    launcher: ChromiumLauncher = { executablePath: chromiumPath },
  ): Promise<ChromiumProfile> {
    const userDataDir = await mkdtemp(path.join(os.tmpdir(), `parley-e2e-${name}-`));
    const profile = new ChromiumProfile(name, userDataDir, extensionDir, launcher);
    try {
      await profile.#keepDownloadsInside();
      await profile.relaunch();
    } catch (error) {
      await profile.dispose();
      throw error;
    }
    return profile;
  }

  /**
   * Where this profile's browser saves downloads: inside the profile, never the user's
   * own Downloads folder. The downloads API (which Parley saves with) follows this
   * preference; DevTools' download settings only govern downloads that pages start.
   */
  get downloadsDir(): string {
    return path.join(this.userDataDir, 'Downloads');
  }

  /** Seeds the new profile's preferences, which Chromium reads on its first start. */
  async #keepDownloadsInside(): Promise<void> {
    await mkdir(this.downloadsDir, { recursive: true });
    await mkdir(path.join(this.userDataDir, 'Default'), { recursive: true });
    const preferences = {
      download: { default_directory: this.downloadsDir, prompt_for_download: false },
    };
    await writeFile(
      path.join(this.userDataDir, 'Default', 'Preferences'),
      JSON.stringify(preferences),
    );
  }

  /**
   * Launches several profiles at once, each by name or by name and launcher; if one fails,
   * the others are disposed of.
   */
  static async launchAll(
    ...users: (string | [name: string, launcher: ChromiumLauncher | undefined])[]
  ): Promise<ChromiumProfile[]> {
    const results = await Promise.allSettled(
      users.map((user) =>
        typeof user === 'string'
          ? ChromiumProfile.launch(user)
          : ChromiumProfile.launch(user[0], chromeBuildDir, user[1]),
      ),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) {
      await Promise.allSettled(
        results.map((result) => (result.status === 'fulfilled' ? result.value.dispose() : null)),
      );
      throw failure.reason;
    }
    return results.map((result) => (result as PromiseFulfilledResult<ChromiumProfile>).value);
  }

  get context(): BrowserContext {
    if (!this.#context) throw new Error(`Chromium for profile ${this.name} is not running.`);
    return this.#context;
  }

  get extensionId(): string {
    return this.#extensionId;
  }

  /** Launches Chromium on this profile's directory: the first start, or a restart. */
  async relaunch(): Promise<void> {
    if (this.#context) throw new Error(`Chromium for profile ${this.name} is already running.`);
    assertPrivateNetwork();
    const manifest = JSON.parse(
      await readFile(path.join(requireBuild(this.extensionDir), 'manifest.json'), 'utf8'),
    ) as { background?: { service_worker?: string } };
    this.#backgroundScript = manifest.background?.service_worker ?? 'background.js';
    await rm(path.join(this.userDataDir, 'DevToolsActivePort'), { force: true });
    const context = await chromium.launchPersistentContext(this.userDataDir, {
      executablePath: this.#launcher.executablePath,
      env: { ...process.env, ...this.#launcher.env },
      headless: true,
      // Playwright turns extensions off by default; Parley is the one we load.
      ignoreDefaultArgs: ['--disable-extensions'],
      args: [...chromiumArgs(this.extensionDir), ...(this.#launcher.args ?? [])],
      viewport: { width: 1024, height: 768 },
    });
    this.#context = context;
    // Playwright's 30 s default would outlast most of our test budgets; fail sooner, clearer.
    context.setDefaultTimeout(10_000);
    context.on('close', () => {
      if (this.#context === context) this.#context = undefined;
    });
    // Tabs and the service worker; the offscreen document comes through the DevToolsTap.
    context.on('console', (message) => {
      const page = message.page();
      const where = page ? new URL(page.url()).pathname : 'service worker';
      this.#log(`[${where}] console.${message.type()}: ${message.text()}`);
    });
    context.on('weberror', (error) => this.#log(`[page] uncaught: ${error.error().message}`));
    context.on('serviceworker', (worker) => this.#watchWorker(worker));
    context.serviceWorkers().forEach((worker) => this.#watchWorker(worker));

    const worker = await this.#waitForExtensionWorker(15_000);
    this.#extensionId = new URL(worker.url()).host;
    try {
      this.#tap = await DevToolsTap.connect(this.userDataDir, (line) => this.#log(line));
      this.#tap.resetDownloadBehavior();
    } catch (error) {
      // Only the offscreen document's log is lost; the tests can still run.
      this.#log(`(no DevTools tap: ${(error as Error).message})`);
    }
  }

  /** Closes the browser as a person would (File > Exit). */
  async close(): Promise<void> {
    this.#tap?.close();
    this.#tap = undefined;
    await this.#context?.close();
    this.#context = undefined;
  }

  /** Kills every process of this profile's browser at once, as a crash or power cut would. */
  async kill(): Promise<void> {
    this.#tap?.close();
    this.#tap = undefined;
    const pids = await pidsWithArgument(this.userDataDirArgument);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone: its parent's death took it along.
      }
    }
    await waitFor(`profile ${this.name}'s browser processes to exit`, async () =>
      (await pidsWithArgument(this.userDataDirArgument)).length === 0 ? true : undefined,
    );
    // Lets Playwright notice the dead pipe and release the context.
    await this.#context?.close().catch(() => {});
    this.#context = undefined;
  }

  /** Closes the browser and deletes the profile. */
  async dispose(): Promise<void> {
    await this.close().catch(() => this.kill());
    await rm(this.userDataDir, { recursive: true, force: true, maxRetries: 5 });
  }

  async openPopup(): Promise<PopupPage> {
    return PopupPage.open(this.context, this.extensionId);
  }

  async openOptions(): Promise<OptionsPage> {
    return OptionsPage.open(this.context, this.extensionId);
  }

  /**
   * The extension's service worker. Chrome keeps it running while DevTools is attached, as
   * Playwright is; if it has stopped all the same, this waits for the extension to wake it.
   */
  async serviceWorker(): Promise<Worker> {
    return this.#liveWorker() ?? this.#waitForExtensionWorker(10_000);
  }

  /** Runs `fn` in the extension's service worker, where `chrome.*` has every API Parley asked for. */
  async evaluateInServiceWorker<R>(fn: () => R | Promise<R>): Promise<R>;
  async evaluateInServiceWorker<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  async evaluateInServiceWorker<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    const worker = await this.serviceWorker();
    // Playwright's types want the argument's type to be serializable; it is ours to ensure.
    return worker.evaluate(fn as (arg: unknown) => R | Promise<R>, arg as unknown);
  }

  /** How many offscreen documents the extension has (Chrome allows at most one). */
  async offscreenDocumentCount(): Promise<number> {
    return this.evaluateInServiceWorker(async () => {
      const { chrome } = globalThis as unknown as ChromeApis;
      const contexts = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
      return contexts.length;
    });
  }

  /**
   * Closes the offscreen document, as Chrome may do on its own, and returns how many are
   * left right after: asking in the same call leaves the extension no time to re-create it.
   */
  async closeOffscreenDocument(): Promise<number> {
    return this.evaluateInServiceWorker(async () => {
      const { chrome } = globalThis as unknown as ChromeApis;
      await chrome.offscreen.closeDocument();
      const contexts = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
      return contexts.length;
    });
  }

  logText(): string {
    return this.logLines.join('\n');
  }

  /** Chromium passes this to the browser and all its helper processes. */
  get userDataDirArgument(): string {
    return `--user-data-dir=${this.userDataDir}`;
  }

  #log(line: string): void {
    this.logLines.push(`${new Date().toISOString()} ${this.name} ${line}`);
  }

  #watchWorker(worker: Worker): void {
    if (!worker.url().startsWith('chrome-extension://')) return;
    this.#log('[service worker] started');
    worker.on('close', () => this.#log('[service worker] stopped'));
  }

  #liveWorker(): Worker | undefined {
    // Before the ID is known, tell Parley's worker from any other by its script's name.
    const script = `/${this.#backgroundScript}`;
    return this.context.serviceWorkers().find((worker) => {
      const url = new URL(worker.url());
      if (url.protocol !== 'chrome-extension:' || url.pathname !== script) return false;
      return !this.#extensionId || url.host === this.#extensionId;
    });
  }

  async #waitForExtensionWorker(timeoutMs: number): Promise<Worker> {
    return waitFor(
      `the extension's service worker in profile ${this.name}`,
      () => this.#liveWorker(),
      { timeoutMs, intervalMs: 50 },
    );
  }
}
