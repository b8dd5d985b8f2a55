import type { PeerbeamBrowser } from './browser.js';
import { Popup } from './popup.js';

/** Pairs two browsers the way people do: a code session, then "Remember" on both sides. */
export async function pairBrowsers(a: PeerbeamBrowser, b: PeerbeamBrowser): Promise<void> {
  const sender = new Popup(await a.openPopup());
  const receiver = new Popup(await b.openPopup());
  await Promise.all([sender.cancelRunningSession(), receiver.cancelRunningSession()]);
  await receiver.receive(await sender.send());
  await Promise.all([sender.waitForStep('open'), receiver.waitForStep('open')]);
  await sender.page.click('#remember');
  await receiver.page.click('#remember');
  await sender.page.locator('#remembered').waitFor();
  await receiver.page.locator('#remembered').waitFor();
  await sender.page.click('#cancel');
  await Promise.all([sender.page.close(), receiver.page.close()]);
}

/** The id of the paired device called `name`, as the popup lists it. */
export async function pairedDeviceId(browser: PeerbeamBrowser, name: string): Promise<string> {
  const popup = new Popup(await browser.openPopup());
  const row = popup.device(name);
  await row.waitFor({ timeout: 20_000 });
  const id = await row.getAttribute('data-id');
  await popup.page.close();
  if (!id) throw new Error(`no device ${name}`);
  return id;
}
