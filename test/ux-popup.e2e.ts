/**
 * Issue #17 in real Chromium: the popup and the send page as a first-time user meets them —
 * distinct device names, one question per offer, one consistent finish, keyboard only.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POPUP_PATH, launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { waitForDownloads, writeRandomFile } from './harness/files.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';
import {
  chooseFiles,
  focused,
  knownAs,
  openSendPage,
  receiveOffer,
  sendByCode,
  storedDeviceName,
  waitForTransferState,
} from './harness/ux-flows.js';

let work: string;
let downloads: string;
let signaling: RunningSignaling;
let alice: PeerbeamBrowser;
let bob: PeerbeamBrowser;

beforeAll(async () => {
  assertIsolatedNetwork();
  work = await mkdtemp(join(tmpdir(), 'peerbeam-ux-'));
  downloads = join(work, 'downloads');
  signaling = await startSignaling();
  [alice, bob] = await Promise.all([
    launchBrowser({ name: 'ux-alice' }),
    launchBrowser({ name: 'ux-bob', downloadsDir: downloads }),
  ]);
  // Only the server is configured: the device names are the ones a first run makes.
  await Promise.all([alice.setSignalingUrl(signaling.url), bob.setSignalingUrl(signaling.url)]);
  await writeRandomFile(join(work, 'report.pdf'), 2_300_000);
  await writeRandomFile(join(work, 'notes.txt'), 1_234);
  await writeRandomFile(join(work, 'photo.jpg'), 420_000);
});

afterAll(async () => {
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await signaling?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the popup a first-time user meets', () => {
  it('a first-run device gets a distinct name and says You are known as …', async () => {
    const [a, b] = await Promise.all([alice.openPopup(), bob.openPopup()]);
    const [aText, bText] = await Promise.all([knownAs(a), knownAs(b)]);
    expect(aText).toMatch(/^You are known as \S+ \S+$/);
    expect(bText).toMatch(/^You are known as \S+ \S+$/);
    expect(aText).not.toBe(bText);
    expect(aText).not.toContain('Chromium');
    await expect(storedDeviceName(alice)).resolves.toBe(aText.replace('You are known as ', ''));

    // The name can be changed from Home, and the change stays.
    await b.click('#change-name');
    await expect.poll(() => focused(b)).toBe('known-as-name');
    await b.fill('#known-as-name', '');
    await b.click('#save-name');
    await expect(b.locator('#known-as-problem').textContent()).resolves.toContain('Enter a name');
    await b.fill('#known-as-name', 'Bob desktop');
    await b.click('#save-name');
    await expect.poll(() => knownAs(b)).toBe('You are known as Bob desktop');
    await b.close();
    const again = await bob.openPopup();
    await expect.poll(() => knownAs(again)).toBe('You are known as Bob desktop');
    await Promise.all([a.close(), again.close()]);
  });

  it('Home is ordered share / send / receive, and Chat by code is a small secondary action', async () => {
    const page = await alice.openPopup();
    await page.locator('#share-tab').waitFor();
    const order = await page.evaluate(() =>
      ['#share-tab', '#send-files', '#code', '#send'].map((s) => {
        const element = document.querySelector(s);
        return element ? element.getBoundingClientRect().top : -1;
      }),
    );
    expect(order.every((top) => top >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    await expect(page.locator('#send').getAttribute('class')).resolves.toContain('link');
    await expect(page.locator('#connect').textContent()).resolves.toBe('Receive');
    await page.close();
  });

  it('the offer asks one question with one primary Accept', async () => {
    const sendPage = await openSendPage(alice);
    await chooseFiles(sendPage, [join(work, 'report.pdf')]);
    const code = await sendByCode(sendPage);
    const receiver = await receiveOffer(bob, code);
    const page = receiver.page;
    const name = await storedDeviceName(alice);
    expect(name).not.toBe('');

    await expect(page.locator('#offer-question').textContent()).resolves.toBe(
      `Accept “report.pdf” (2.3\u00a0MB) from ${name}?`,
    );
    // One primary button (Accept), Decline secondary; no Cancel beside them; remember and chat
    // wait until the decision is made.
    const buttons = await page
      .locator('button:visible')
      .evaluateAll((all: HTMLElement[]) =>
        all.map((b) => ({ id: b.id, secondary: /secondary|link/.test(b.className) })),
      );
    expect(buttons.filter((b) => !b.secondary).map((b) => b.id)).toEqual(['accept']);
    expect(buttons.map((b) => b.id)).toContain('decline');
    for (const gone of ['#cancel', '#remember', '#send-message', '#message']) {
      await expect(page.locator(gone).count(), gone).resolves.toBe(0);
    }
    // The question comes first: nothing of the connection is above it.
    const [questionTop, statusTop] = await Promise.all([
      page.locator('#offer-question').evaluate((e) => e.getBoundingClientRect().top),
      page.locator('#status').evaluate((e) => e.getBoundingClientRect().top),
    ]);
    expect(questionTop).toBeLessThan(statusTop);
    // Announced politely, with who offers, and focus is on Accept.
    await expect(page.locator('#announce').textContent()).resolves.toBe(
      `${name} wants to send you files`,
    );
    await expect.poll(() => focused(page)).toBe('accept');

    await page.click('#decline');
    await Promise.all([page.close(), sendPage.close()]);
  });

  it('a finished transfer shows 100 % on both sides and opens its folder', async () => {
    const sendPage = await openSendPage(alice);
    await chooseFiles(sendPage, [join(work, 'notes.txt'), join(work, 'photo.jpg')]);
    await expect(sendPage.locator('#picked').textContent()).resolves.toBe('2 files · 421\u00a0KB');
    const code = await sendByCode(sendPage);
    const receiver = await receiveOffer(bob, code);
    await expect(receiver.page.locator('#offer-question').textContent()).resolves.toContain(
      'Accept 2 files (421\u00a0KB) from',
    );
    await receiver.page.click('#accept');
    await Promise.all([
      waitForTransferState(receiver.page, 'complete'),
      waitForTransferState(sendPage, 'complete'),
    ]);
    await waitForDownloads(downloads, 2);

    for (const page of [receiver.page, sendPage]) {
      await expect(page.locator('#transfer progress').getAttribute('value')).resolves.toBe('100');
      await expect(page.locator('#transfer-stats').count()).resolves.toBe(0);
      await expect(page.locator('#start-over').textContent()).resolves.toBe('Done');
      await expect(page.locator('#cancel, #cancel-transfer').count()).resolves.toBe(0);
    }
    await expect(receiver.page.locator('#transfer-summary').textContent()).resolves.toMatch(
      /^Received 2 files \(421\u00a0KB\) from .+, all verified\.$/,
    );
    await expect(sendPage.locator('#transfer-summary').textContent()).resolves.toBe(
      `${await storedDeviceName(bob)} received 2 files (421\u00a0KB), all verified.`,
    );
    await expect(receiver.page.locator('#transfer-where').textContent()).resolves.toBe(
      'Saved in Downloads › Peerbeam',
    );

    // "Show in folder" opens the folder at a file of this transfer.
    await receiver.page.click('#show-in-folder');
    const button = receiver.page.locator('#show-in-folder[data-download-id]');
    await button.waitFor({ timeout: 5_000 });
    const id = Number(await button.getAttribute('data-download-id'));
    const worker = await bob.serviceWorker();
    const filename = await worker.evaluate(
      async (downloadId) => (await chrome.downloads.search({ id: downloadId }))[0]?.filename ?? '',
      id,
    );
    expect(filename).toMatch(/Peerbeam\/(notes\.txt|photo\.jpg)$/);

    // A reopened popup shows the same finish, until Done, and goes straight to it: Home does
    // not flash first (a person would start typing a code into it; a test would, too).
    await receiver.page.close();
    const reopened = await bob.context.newPage();
    await reopened.addInitScript(() => {
      const seen = { home: false };
      (window as unknown as { seen: typeof seen }).seen = seen;
      new MutationObserver(() => {
        if (document.getElementById('code')) seen.home = true;
      }).observe(document, { childList: true, subtree: true });
    });
    await reopened.goto(`chrome-extension://${bob.extensionId}/${POPUP_PATH}`);
    await waitForTransferState(reopened, 'complete', 10_000);
    await expect(
      reopened.evaluate(() => (window as unknown as { seen: { home: boolean } }).seen.home),
    ).resolves.toBe(false);
    await expect(reopened.locator('#transfer progress').getAttribute('value')).resolves.toBe('100');
    await reopened.click('#start-over');
    await reopened.locator('#share-tab').waitFor();
    await reopened.close();
    const afterDone = await bob.openPopup();
    await afterDone.locator('#share-tab').waitFor();
    await expect(afterDone.locator('#transfer').count()).resolves.toBe(0);
    await Promise.all([afterDone.close(), sendPage.close()]);
  });

  it('the picked-files step lists the files and allows removing one', async () => {
    const sendPage = await openSendPage(alice);
    await chooseFiles(sendPage, [join(work, 'notes.txt'), join(work, 'photo.jpg')]);
    const names = () =>
      sendPage.locator('#picked-files li').evaluateAll((all) => all.map((li) => li.dataset.path));
    await expect(names()).resolves.toEqual(['notes.txt', 'photo.jpg']);
    await sendPage.getByRole('button', { name: 'Remove notes.txt' }).click();
    await expect(names()).resolves.toEqual(['photo.jpg']);
    await expect(sendPage.locator('#picked').textContent()).resolves.toBe('1 file · 420\u00a0KB');
    await sendPage.close();
  });

  it('the first open of a fresh profile shows no "Something went wrong" (10 fresh profiles)', async () => {
    for (let profile = 0; profile < 10; profile++) {
      const fresh = await launchBrowser({ name: `ux-fresh-${profile}` });
      try {
        // Straight away, as a person clicks the icon right after installing.
        const popup = await fresh.openPopup();
        await popup.locator('#share-tab').waitFor();
        await expect(knownAs(popup)).resolves.toMatch(/^You are known as /);
        // Time for the answers (or errors) to the popup's first questions to arrive.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const problems = await popup.locator('#popup-error').allTextContents();
        expect(problems, `profile ${profile}`).toEqual([]);
      } finally {
        await fresh.close();
      }
    }
  });
});
