/**
 * Drives Debian's Firefox ESR with the test build of the Firefox extension (dist-firefox-test/)
 * over Marionette, spoken directly (../shared/FIREFOX-TESTING.md): WebDriver BiDi cannot reach
 * moz-extension:// pages, and no geckodriver is needed. Frames are `<byte length>:<JSON>`;
 * a command is `[0, id, name, params]`, its answer `[1, id, error, result]`.
 *
 * Each launch gets a temporary profile with a fixed extension UUID (so its URLs are known),
 * loopback ICE candidates, and downloads saved without asking into `downloadsDir`.
 */
import { tethered } from './tethered.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import firefoxManifest from '../../manifest.firefox.json' with { type: 'json' };
import { POPUP_PATH } from './browser.js';
import { ROOT } from './paths.js';
import { freePort, waitUntil } from './ports.js';

export const FIREFOX = '/usr/bin/firefox-esr';
export const FIREFOX_TEST_DIST = `${ROOT}dist-firefox-test`;
export const GECKO_ID = firefoxManifest.browser_specific_settings.gecko.id;
/** The extension's UUID in every test profile: its pages live at moz-extension://<this>/. */
export const FIREFOX_EXTENSION_UUID = '5eb0c3a1-7c1e-4f0e-9d3b-2a6f1c0e8b71';
export const FIREFOX_ORIGIN = `moz-extension://${FIREFOX_EXTENSION_UUID}`;

const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

/** One Marionette connection: commands in order, answers matched by id. */
class Marionette {
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private hello: ((value: unknown) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('close', () => {
      for (const { reject } of this.pending.values()) reject(new Error('Marionette closed'));
      this.pending.clear();
    });
    socket.on('error', () => undefined); // 'close' follows and fails what is pending
  }

  static async open(port: number): Promise<Marionette> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const client = new Marionette(socket);
    // The server speaks first: {"applicationType":"gecko","marionetteProtocol":3}.
    await new Promise((resolve) => (client.hello = resolve));
    return client;
  }

  send<T = unknown>(name: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const body = Buffer.from(JSON.stringify([0, id, name, params]));
    const answer = new Promise<unknown>((resolve, reject) =>
      this.pending.set(id, { resolve, reject }),
    );
    this.socket.write(`${body.length}:`);
    this.socket.write(body);
    return answer as Promise<T>;
  }

  close(): void {
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon === -1) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length) return;
      const json = this.buffer.subarray(colon + 1, colon + 1 + length).toString();
      this.buffer = this.buffer.subarray(colon + 1 + length);
      const message = JSON.parse(json) as unknown;
      if (!Array.isArray(message)) {
        this.hello?.(message);
        this.hello = undefined;
        continue;
      }
      const [, id, error, result] = message as [
        number,
        number,
        { error: string; message: string } | null,
        unknown,
      ];
      const pending = this.pending.get(id);
      if (!pending) continue;
      this.pending.delete(id);
      if (error) pending.reject(new Error(`Marionette: ${error.error}: ${error.message}`));
      else pending.resolve(result);
    }
  }
}

/** Prefs of a quiet, automatable test profile (Marionette adds its recommended ones). */
function profilePrefs(
  port: number,
  downloadsDir: string,
  idleTimeoutMs: number | undefined,
): Record<string, unknown> {
  return {
    'marionette.port': port,
    // Firefox stops an idle background page after this (default 30 s).
    ...(idleTimeoutMs === undefined ? {} : { 'extensions.background.idle.timeout': idleTimeoutMs }),
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
    // With a capture permission (granted at launch), loopback host candidates: the e2e
    // namespace has no other address.
    'media.peerconnection.ice.loopback': true,
    // Downloads go to downloadsDir without a dialog.
    'browser.download.dir': downloadsDir,
    'browser.download.folderList': 2,
    'browser.download.useDownloadDir': true,
    'browser.download.always_ask_before_handling_new_types': false,
    'browser.download.start_downloads_in_tmp_dir': false,
    'browser.download.alwaysOpenPanel': false,
    'browser.download.panel.shown': true,
    // Quiet: no first-run pages, updates, telemetry, remote settings or background traffic.
    'app.update.disabledForTesting': true,
    'app.update.auto': false,
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.page': 0,
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.aboutwelcome.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'toolkit.telemetry.enabled': false,
    'services.settings.server': 'data:,#remote-settings-dummy/v1',
    'extensions.update.enabled': false,
    'extensions.getAddons.cache.enabled': false,
    'extensions.blocklist.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'browser.region.network.url': '',
    'browser.search.geoip.url': '',
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'app.normandy.enabled': false,
    // Notifications in Firefox's own alert window (no desktop notification service here), so
    // a test can see and click them.
    'alerts.useSystemBackend': false,
    // Extension pages' console output goes to stdout, which a failing test shows.
    'devtools.console.stdout.content': true,
  };
}

export interface FirefoxLaunchOptions {
  name: string;
  /** Where received files land (Firefox writes them there, sub-folders kept). */
  downloadsDir: string;
  /** How long Firefox lets the background page idle before it stops it (default 30 s). */
  backgroundIdleTimeoutMs?: number;
  /** More prefs for the profile (e.g. the test-only tab capture, browserCapturePrefs). */
  prefs?: Record<string, unknown>;
  /** An X display (harness/xvfb.ts) to run on instead of headless: screen capture needs one. */
  display?: string;
}

export interface PeerbeamFirefox {
  readonly name: string;
  readonly pid: number;
  /** Opens `path` of the extension (e.g. src/popup/popup.html), or a URL, in a new tab. */
  openPage(path: string): Promise<FirefoxPage>;
  openPopup(): Promise<FirefoxPage>;
  /** Writes settings as the popup's Settings form would (merged with what is stored). */
  setSettings(settings: { signalingUrl?: string; deviceName?: string }): Promise<void>;
  /** Runs `script` (a function body; `arguments` holds `args`) in chrome context. */
  chromeScript<T>(script: string, args?: unknown[]): Promise<T>;
  /** Clicks the notification whose title contains `title`, as a person would. */
  clickNotification(title: string): Promise<void>;
  /** Firefox's word on the extension's background page: running, stopped, … */
  backgroundState(): Promise<string>;
  /** Stops the background page now, as Firefox does when it finds it idle (whatever it holds). */
  stopBackground(): Promise<void>;
  /** The URLs of the browser's open tabs, in every window. */
  tabUrls(): Promise<string[]>;
  /** A tab or window the extension opened, found by a part of its URL. */
  pageAt(urlPart: string, timeout?: number): Promise<FirefoxPage>;
  /**
   * On a display (`display`): the tab showing `url` fills the screen, every other window moved
   * off it, so a capture of the screen is that tab's picture.
   */
  fillScreenWith(url: string, screen: { width: number; height: number }): Promise<void>;
  /** What Firefox printed (console output of extension pages included), for failures. */
  output(): string;
  close(): Promise<void>;
}

/** One extension tab, driven like a person: clicks, typing, reading what is shown. */
export class FirefoxPage {
  constructor(
    private readonly firefox: {
      switchTo(handle: string): Promise<Marionette>;
      closed(): Promise<void>;
    },
    readonly handle: string,
  ) {}

  private session(): Promise<Marionette> {
    return this.firefox.switchTo(this.handle);
  }

  /** Waits for `selector` to match an element; returns its id. */
  async find(selector: string, timeout = 15_000): Promise<string> {
    const session = await this.session();
    let id: string | undefined;
    let last = '';
    await waitUntil(
      async () => {
        try {
          const found = await session.send<{ value?: Record<string, string> }>(
            'WebDriver:FindElement',
            { using: 'css selector', value: selector },
          );
          id = (found.value ?? (found as Record<string, string>))[ELEMENT_KEY];
          return id !== undefined;
        } catch (error) {
          last = String(error);
          return false;
        }
      },
      timeout,
      `${selector} (${last})`,
    ).catch(async (error: unknown) => {
      const text = await this.script<string>('return document.body?.innerText ?? ""').catch(
        () => '',
      );
      throw new Error(`${String(error)}; the page shows: ${text.slice(0, 500)}`);
    });
    return id!;
  }

  async waitFor(selector: string, timeout = 15_000): Promise<void> {
    await this.find(selector, timeout);
  }

  async click(selector: string): Promise<void> {
    const id = await this.find(selector);
    await (await this.session()).send('WebDriver:ElementClick', { id });
  }

  async text(selector: string): Promise<string> {
    const id = await this.find(selector);
    const { value } = await (
      await this.session()
    ).send<{ value: string }>('WebDriver:GetElementText', { id });
    return value;
  }

  async attribute(selector: string, name: string): Promise<string | null> {
    const id = await this.find(selector);
    const { value } = await (
      await this.session()
    ).send<{ value: string | null }>('WebDriver:GetElementAttribute', { id, name });
    return value;
  }

  /** Goes to `url` in this tab (a web page, say). */
  async navigate(url: string): Promise<void> {
    await (await this.session()).send('WebDriver:Navigate', { url });
  }

  /** A real secondary click on the element (Firefox opens its context menu for it). */
  async rightClick(selector: string): Promise<void> {
    const id = await this.find(selector);
    const session = await this.session();
    await session.send('WebDriver:PerformActions', {
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', origin: { [ELEMENT_KEY]: id }, x: 0, y: 0 },
            { type: 'pointerDown', button: 2 },
            { type: 'pointerUp', button: 2 },
          ],
        },
      ],
    });
    await session.send('WebDriver:ReleaseActions');
  }

  /** Types into a field (after clearing it). */
  async fill(selector: string, text: string): Promise<void> {
    const id = await this.find(selector);
    const session = await this.session();
    await session.send('WebDriver:ElementClear', { id });
    await session.send('WebDriver:ElementSendKeys', { id, text });
  }

  /** Picks files in an <input type=file>, as a person would in the file dialog. */
  async setInputFiles(selector: string, paths: string[]): Promise<void> {
    const id = await this.find(selector);
    await (await this.session()).send('WebDriver:ElementSendKeys', { id, text: paths.join('\n') });
  }

  /** Runs `script` (a function body; may return a promise) in the page. */
  async script<T>(script: string, args: unknown[] = []): Promise<T> {
    const { value } = await (
      await this.session()
    ).send<{ value: T }>('WebDriver:ExecuteScript', {
      script,
      args,
    });
    return value;
  }

  async close(): Promise<void> {
    const session = await this.session();
    await session.send('WebDriver:CloseWindow');
    await this.firefox.closed();
  }
}

export async function launchFirefox(options: FirefoxLaunchOptions): Promise<PeerbeamFirefox> {
  const profileDir = await mkdtemp(join(tmpdir(), `peerbeam-firefox-${options.name}-`));
  await mkdir(options.downloadsDir, { recursive: true });
  const port = await freePort();
  const prefs = Object.entries({
    ...profilePrefs(port, options.downloadsDir, options.backgroundIdleTimeoutMs),
    ...options.prefs,
  })
    .map(([key, value]) => `user_pref(${JSON.stringify(key)}, ${JSON.stringify(value)});`)
    .join('\n');
  await writeFile(join(profileDir, 'user.js'), `${prefs}\n`);

  const output: string[] = [];
  const child: ChildProcess = spawn(
    ...tethered(FIREFOX, [
      '--marionette',
      ...(options.display ? [] : ['--headless']),
      '--remote-allow-system-access',
      '--no-remote',
      '--profile',
      profileDir,
    ]),
    {
      // Its own process group: closing ends Firefox and every content process it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...(options.display ? { DISPLAY: options.display } : { MOZ_HEADLESS: '1' }),
        MOZ_CRASHREPORTER_DISABLE: '1',
      },
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = once(child, 'exit');
  const pid = child.pid!;

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
    await rm(profileDir, { recursive: true, force: true });
  };

  try {
    let marionette: Marionette | undefined;
    await waitUntil(
      async () => {
        marionette = await Marionette.open(port);
        return true;
      },
      30_000,
      `Marionette on port ${port} (Firefox said: ${output.join('').slice(-1000)})`,
    );
    const session = marionette!;
    await session.send('WebDriver:NewSession', {
      capabilities: { alwaysMatch: { strictFileInteractability: false } },
    });
    await session.send('Addon:Install', { path: FIREFOX_TEST_DIST, temporary: true });

    const { value: home } = await session.send<{ value: string }>('WebDriver:GetWindowHandle');
    let current: string | undefined;
    const driver = {
      async switchTo(handle: string): Promise<Marionette> {
        if (current !== handle) {
          await session.send('WebDriver:SwitchToWindow', { handle, focus: true });
          current = handle;
        }
        return session;
      },
      // New tabs open from the current one: after a close, that is the first tab again.
      async closed() {
        current = undefined;
        await driver.switchTo(home);
      },
    };
    const chromeScript = async <T>(script: string, args: unknown[] = []): Promise<T> => {
      await session.send('Marionette:SetContext', { value: 'chrome' });
      try {
        const { value } = await session.send<{ value: T }>('WebDriver:ExecuteScript', {
          script,
          args,
        });
        return value;
      } finally {
        await session.send('Marionette:SetContext', { value: 'content' });
      }
    };
    // Without a capture permission Firefox offers no loopback candidates (FIREFOX-TESTING.md).
    await chromeScript(
      `const principal = Services.scriptSecurityManager.createContentPrincipalFromOrigin(arguments[0]);
       Services.perms.addFromPrincipal(principal, 'microphone', Services.perms.ALLOW_ACTION);`,
      [FIREFOX_ORIGIN],
    );

    const openPage = async (path: string): Promise<FirefoxPage> => {
      const { handle } = await session.send<{ handle: string }>('WebDriver:NewWindow', {
        type: 'tab',
        focus: true,
      });
      await driver.switchTo(handle);
      // An extension path, or a whole URL (a web page).
      const url = /^[a-z-]+:/.test(path) ? path : `${FIREFOX_ORIGIN}/${path}`;
      await session.send('WebDriver:Navigate', { url });
      return new FirefoxPage(driver, handle);
    };
    const openPopup = () => openPage(POPUP_PATH);

    const pageAt = async (urlPart: string, timeout = 15_000): Promise<FirefoxPage> => {
      let found: string | undefined;
      await waitUntil(
        async () => {
          // An array, bare (Marionette wraps only some answers in {value}).
          const listed = await session.send<string[] | { value: string[] }>(
            'WebDriver:GetWindowHandles',
          );
          const handles = Array.isArray(listed) ? listed : listed.value;
          for (const handle of handles) {
            await driver.switchTo(handle);
            const { value: url } = await session.send<{ value: string }>('WebDriver:GetCurrentURL');
            if (url.includes(urlPart)) {
              found = handle;
              return true;
            }
          }
          return false;
        },
        timeout,
        `a page at ${urlPart}`,
      );
      return new FirefoxPage(driver, found!);
    };

    // As the popup's Settings form does: through the background page, whose running engine
    // hears the change at once (it started with the extension, before any test setting).
    const setSettings = async (patch: { signalingUrl?: string; deviceName?: string }) => {
      const page = await openPopup();
      try {
        await page.script(
          `const [patch] = arguments;
           return browser.runtime.sendMessage(
             { peerbeam: 1, target: 'background', method: 'setSettings', params: [patch] });`,
          [patch],
        );
      } finally {
        await page.close();
      }
    };

    return {
      name: options.name,
      pid,
      openPage,
      openPopup,
      setSettings,
      chromeScript,
      async clickNotification(title) {
        await chromeScript(
          `const [title] = arguments;
           return new Promise((resolve, reject) => {
             const deadline = Date.now() + 10000;
             const look = () => {
               const alert = [...Services.wm.getEnumerator('alert:alert')].find((win) =>
                 win.document.getElementById('alertTitleLabel')?.value?.includes(title));
               if (alert) {
                 alert.document.getElementById('alertTextBox').click();
                 resolve();
               } else if (Date.now() > deadline) reject(new Error('no notification ' + title));
               else setTimeout(look, 100);
             };
             look();
           });`,
          [title],
        );
      },
      backgroundState: () =>
        chromeScript<string>(
          `return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState;`,
          [GECKO_ID],
        ),
      async stopBackground() {
        await chromeScript(
          `return WebExtensionPolicy.getByID(arguments[0]).extension.terminateBackground();`,
          [GECKO_ID],
        );
      },
      tabUrls: () =>
        chromeScript<string[]>(
          `return [...Services.wm.getEnumerator('navigator:browser')].flatMap((win) =>
             win.gBrowser.tabs.map((tab) => tab.linkedBrowser.currentURI.spec));`,
        ),
      pageAt,
      async fillScreenWith(url, screen) {
        await chromeScript(
          `const [url, width, height] = arguments;
           const windows = [...Services.wm.getEnumerator('navigator:browser')];
           const main = windows.find((win) =>
             win.gBrowser.tabs.some((tab) => tab.linkedBrowser.currentURI.spec === url));
           for (const win of windows) if (win !== main) win.moveTo(width, height);
           main.gBrowser.selectedTab = main.gBrowser.tabs.find(
             (tab) => tab.linkedBrowser.currentURI.spec === url);
           main.moveTo(0, 0);
           main.resizeTo(width, height);
           main.fullScreen = true;
           main.focus();`,
          [url, screen.width, screen.height],
        );
        // The switch to full screen takes a few frames.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      },
      output: () => output.join(''),
      async close() {
        await session.send('Marionette:Quit', { flags: ['eForceQuit'] }).catch(() => undefined);
        session.close();
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        await kill();
      },
    };
  } catch (error) {
    await kill();
    throw new Error(`${String(error)}\nFirefox said:\n${output.join('').slice(-3000)}`);
  }
}
