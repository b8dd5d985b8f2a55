// Screenshots for docs/ from real sessions: builds the test extension, then drives two real
// headless Chromium users (popup home, send page, offer, progress, finish, tab-share panel)
// inside a loopback-only network namespace, as scripts/e2e.mjs runs the e2e suite.
//
//   npm run screenshots                 docs/*.png (English light, plus zh_CN and dark home)
//   npm run screenshots -- --all DIR    every screen in en and zh_CN, light and dark, into DIR
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const allIndex = args.indexOf('--all');
const all = allIndex >= 0;
const outDir = resolve(all ? (args[allIndex + 1] ?? 'screenshots') : 'docs');

if (process.env.PEERBEAM_IN_NETNS !== '1') {
  const run = (command, argv, env = {}) =>
    spawnSync(command, argv, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
  if (process.env.PEERBEAM_SKIP_BUILD !== '1') {
    const status = run(process.execPath, ['scripts/build.mjs', '--test']);
    if (status !== 0) process.exit(status);
  }
  const self = ['node', '--import', 'tsx', 'scripts/screenshots.mjs', ...args]
    .map((a) => `'${a}'`)
    .join(' ');
  const isRoot = process.getuid?.() === 0;
  const unshareArgs = isRoot ? ['-n'] : ['--user', '--map-root-user', '--net'];
  process.exit(
    run('unshare', [...unshareArgs, 'sh', '-c', `ip link set lo up && exec ${self}`], {
      PEERBEAM_IN_NETNS: '1',
    }),
  );
}

// Inside the namespace: tsx lets this script use the e2e harness (TypeScript) as it is.
const { startSignaling } = await import('../test/harness/signaling.ts');
const { writeRandomFile } = await import('../test/harness/files.ts');
const flows = await import('../test/harness/ux-flows.ts');

const NAMES = {
  en: { alice: 'Amber Badger', bob: 'Quiet Heron' },
  zh_CN: { alice: '琥珀獾', bob: '安静苍鹭' },
};
const POPUP = { width: 340, height: 560 };

const work = await mkdtemp(join(tmpdir(), 'peerbeam-shots-'));
await mkdir(outDir, { recursive: true });
const signaling = await startSignaling();
const video = join(work, 'holiday.mov');
await writeRandomFile(video, 147_000_000);
await writeRandomFile(join(work, 'notes.txt'), 2_300);
await writeRandomFile(join(work, 'slides.pdf'), 2_300_000);

/** Saves what `page` shows, as a popup-sized picture unless it is the send page. */
async function shoot(page, name, size = POPUP) {
  await page.setViewportSize(size);
  await page.waitForTimeout(150); // a frame for layout after the resize
  const path = join(outDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`wrote ${path}`);
}

/** Every screen for one language (and for --all, both colour schemes). */
async function session(language, schemes, wanted) {
  const suffix = (scheme) =>
    `${language === 'en' ? '' : `-${language}`}${scheme === 'light' ? '' : `-${scheme}`}`;
  const alice = await flows.launchInLanguage(language, {
    name: `shots-alice-${language}`,
    extraArgs: flows.SHARER_ARGS,
  });
  const bob = await flows.launchInLanguage(language, {
    name: `shots-bob-${language}`,
    downloadsDir: join(work, `downloads-${language}`),
  });
  try {
    await alice.setSettings({ signalingUrl: signaling.url, deviceName: NAMES[language].alice });
    await bob.setSettings({ signalingUrl: signaling.url, deviceName: NAMES[language].bob });
    const each = async (page, name, size) => {
      if (!wanted(name)) return;
      for (const scheme of schemes) {
        await page.emulateMedia({ colorScheme: scheme });
        await shoot(page, `${name}${suffix(scheme)}`, size);
      }
    };

    const home = await alice.openPopup();
    await home.locator('#share-tab').waitFor();
    await each(home, 'popup-home');
    await home.close();

    const sendPage = await flows.openSendPage(alice);
    await flows.chooseFiles(sendPage, [video, join(work, 'slides.pdf'), join(work, 'notes.txt')]);
    await each(sendPage, 'send-picked', { width: 640, height: 480 });
    await sendPage.getByRole('button', { name: /notes\.txt/ }).click();
    await sendPage.getByRole('button', { name: /slides\.pdf/ }).click();
    const code = await flows.sendByCode(sendPage);
    await each(sendPage, 'send-code', { width: 640, height: 480 });

    const receiver = await flows.receiveOffer(bob, code);
    await each(receiver.page, 'popup-offer');
    await receiver.page.click('#accept');
    await flows.waitForTransferState(receiver.page, 'transferring');
    await receiver.page.waitForTimeout(2_500); // long enough for a measured speed and ETA
    await each(receiver.page, 'popup-progress');
    await flows.waitForTransferState(receiver.page, 'complete', 120_000);
    await flows.waitForTransferState(sendPage, 'complete', 120_000);
    await each(receiver.page, 'popup-finish');
    await each(sendPage, 'send-finish', { width: 640, height: 480 });
    await sendPage.click('#start-over'); // Done: the next popup opens at Home
    await sendPage.locator('#choose-files').waitFor();
    await Promise.all([receiver.page.close(), sendPage.close()]);

    const { popup } = await flows.openLiveSharePanel(alice, `${signaling.httpUrl}/healthz`);
    await each(popup, 'popup-share');
    await popup.click('#stop-share');
  } finally {
    await Promise.allSettled([alice.close(), bob.close()]);
  }
}

try {
  if (all) {
    await session('en', ['light', 'dark'], () => true);
    await session('zh_CN', ['light', 'dark'], () => true);
  } else {
    await session('en', ['light'], () => true);
    await session('en', ['dark'], (name) => name === 'popup-home');
    await session('zh_CN', ['light'], (name) => name === 'popup-home' || name === 'popup-offer');
  }
} finally {
  await signaling.stop();
  await rm(work, { recursive: true, force: true });
}
