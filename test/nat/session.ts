/**
 * Drives one Peerbeam session between a browser behind NAT A and one behind NAT B through
 * their popups, as walking-skeleton.e2e.ts does on loopback, and reads what the popups show.
 */
import { readFileSync } from 'node:fs';
import type { PeerbeamBrowser } from '../harness/browser.js';
import { TEST_DIST } from '../harness/paths.js';
import { Popup } from '../harness/popup.js';
import { run } from './process.js';
import { INET_IP, type NatMode } from './topology.js';

export interface Session {
  sender: Popup;
  receiver: Popup;
  /** performance.now() when the receiver entered the code. */
  startedAt: number;
}

/** Alice (host A) shows a code; Bob (host B) types it in. */
export async function startSession(alice: PeerbeamBrowser, bob: PeerbeamBrowser): Promise<Session> {
  const [sender, receiver] = [new Popup(await alice.openPopup()), new Popup(await bob.openPopup())];
  const code = await sender.send();
  const startedAt = performance.now();
  await receiver.receive(code);
  return { sender, receiver, startedAt };
}

export interface StatusView {
  text: string;
  /** `<local type> → <remote type>` of the selected candidate pair, from getStats(). */
  candidates: string;
}

export async function status(popup: Popup): Promise<StatusView> {
  const element = popup.page.locator('#status');
  return {
    text: (await element.textContent())?.trim() ?? '',
    candidates: (await element.getAttribute('data-candidates')) ?? '',
  };
}

/** Sends `text` from one popup and returns it exactly as the other popup shows it. */
export async function deliver(from: Popup, to: Popup, text: string): Promise<string> {
  const marker = text.slice(0, 24);
  await from.sendMessage(text);
  await to.waitForPeerMessage(marker, 15_000);
  const line = to.page.locator('#chat li[data-from="peer"]', { hasText: marker });
  // The line is a "who" label followed by the message as one text node.
  return line.evaluate((li) => li.lastChild?.textContent ?? '');
}

/** A message long enough to span several packets, with characters that break bad encodings. */
export function testMessage(label: string): string {
  const nonce = Math.random().toString(36).slice(2, 10);
  return `${label} ${nonce} ✓ Grüße 你好 🛰️ ` + 'peerbeam-'.repeat(300);
}

/** What the user is told when no path is found, from the built extension's English locale. */
export function connectionFailedText(): string {
  const messages = JSON.parse(
    readFileSync(`${TEST_DIST}/_locales/en/messages.json`, 'utf8'),
  ) as Record<string, { message: string } | undefined>;
  const entry = messages.error_CONNECTION_FAILED;
  if (!entry) throw new Error('error_CONNECTION_FAILED is missing from the English locale');
  return entry.message;
}

/** RFC 5780 behaviour that coturn's `turnutils_natdiscovery` should report for each mode. */
export const EXPECTED_BEHAVIOUR: Record<NatMode, { mapping: string; filtering: string }> = {
  'full-cone': { mapping: 'Endpoint Independent', filtering: 'Endpoint Independent' },
  'port-restricted': { mapping: 'Endpoint Independent', filtering: 'Address and Port Dependent' },
  symmetric: { mapping: 'Address and Port Dependent', filtering: 'Address and Port Dependent' },
};

/** Mapping and filtering behaviour of the NAT in front of `ns`, measured against coturn. */
export async function discoverNat(ns: string): Promise<{ mapping: string; filtering: string }> {
  const result = await run(
    'ip',
    ['netns', 'exec', ns, 'turnutils_natdiscovery', '-m', '-f', INET_IP],
    { timeoutMs: 30_000 },
  );
  const output = result.stdout + result.stderr;
  const mapping = /NAT with (.+?) Mapping!/.exec(output)?.[1] ?? `unknown: ${output.slice(-300)}`;
  const filtering =
    /NAT with (.+?) Filtering!/.exec(output)?.[1] ?? `unknown: ${output.slice(-300)}`;
  return { mapping, filtering };
}
