import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeRelayBody, encodeRelayBody, RelayKind } from '../src/core/handshake-wire.js';
import { decodeClientFrame, decodeServerFrame } from '../src/core/protocol.js';
import { launchBrowser, type PeerbeamBrowser } from './harness/browser.js';
import { assertIsolatedNetwork } from './harness/paths.js';
import { Popup } from './harness/popup.js';
import { startRelayProxy, type RecordedFrame, type RelayProxy } from './harness/relay-proxy.js';
import { startSignaling, type RunningSignaling } from './harness/signaling.js';

let signaling: RunningSignaling;
let alice: PeerbeamBrowser;
let bob: PeerbeamBrowser;
let proxy: RelayProxy | undefined;

beforeAll(async () => {
  assertIsolatedNetwork();
  signaling = await startSignaling();
  [alice, bob] = await Promise.all([
    launchBrowser({ name: 'alice' }),
    launchBrowser({ name: 'bob' }),
  ]);
});

beforeEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  await Promise.all([alice.setSignalingUrl(signaling.url), bob.setSignalingUrl(signaling.url)]);
});

afterAll(async () => {
  await proxy?.stop();
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await signaling?.stop();
});

async function popups(): Promise<[Popup, Popup]> {
  const sender = new Popup(await alice.openPopup());
  const receiver = new Popup(await bob.openPopup());
  await Promise.all([sender.cancelRunningSession(), receiver.cancelRunningSession()]);
  return [sender, receiver];
}

/** Another valid code for the same nameplate: right number, wrong words. */
function wrongWords(code: string): string {
  const [nameplate, first] = code.split('-');
  const other = first === 'abandon' ? 'ability' : 'abandon';
  return `${nameplate}-${other}-zoo`;
}

describe('pairing codes with PAKE', () => {
  it('wrong code fails on both sides, and the nameplate cannot be claimed again', async () => {
    const [sender, receiver] = await popups();
    const code = await sender.send();
    await receiver.receive(wrongWords(code));

    expect(await receiver.errorCode()).toBe('CODE_MISMATCH');
    expect(await sender.errorCode()).toBe('CODE_MISMATCH');
    expect(await sender.errorText()).toContain('did not match');

    // The right code is now useless: one guess per code.
    const again = new Popup(await bob.openPopup());
    await again.receive(code);
    expect(await again.errorCode()).toBe('NO_SUCH_CODE');
  });

  it('a typo in a word is caught before the guess is spent', async () => {
    const [sender, receiver] = await popups();
    const code = await sender.send();
    const [nameplate, first, second] = code.split('-');
    // Said while typing, before anything is sent...
    await receiver.page.fill('#code', `${nameplate}-${first}qx-${second}`);
    await expect(receiver.page.locator('#code-typo').textContent()).resolves.toContain(
      `${first}qx`,
    );
    // ...and refused on Connect without a guess at the server, saying why.
    await receiver.receive(`${nameplate}-${first}-${second}qx`);
    expect(await receiver.errorCode()).toBe('CODE_INVALID');
    expect(await receiver.errorText()).toContain(`“${second}qx” is not one of the code words`);

    const retry = new Popup(await bob.openPopup());
    await retry.receive(code.toUpperCase().replaceAll('-', ' '));
    await Promise.all([retry.waitForStep('open'), sender.waitForStep('open')]);
  });

  it('a hostile relay that alters the sealed SDP: no data channel opens and both popups say why', async () => {
    const tamper = tamperFirstSealedFrame();
    proxy = await startRelayProxy(signaling.url, (frame) => tamper.rewrite(frame));
    await Promise.all([alice.setSignalingUrl(proxy.url), bob.setSignalingUrl(proxy.url)]);
    const [sender, receiver] = await popups();
    const code = await sender.send();
    await receiver.receive(code);

    expect(await receiver.errorCode()).toBe('TAMPERED');
    expect(await sender.errorCode()).toBe('TAMPERED');
    expect(tamper.altered()).toBe(1);
    for (const popup of [sender, receiver]) {
      await expect(popup.page.locator('section').getAttribute('data-step')).resolves.toBe('failed');
    }
  });

  it('the signaling service never sees a plaintext SDP', async () => {
    proxy = await startRelayProxy(signaling.url);
    await Promise.all([alice.setSignalingUrl(proxy.url), bob.setSignalingUrl(proxy.url)]);
    const [sender, receiver] = await popups();
    const code = await sender.send();
    await receiver.receive(code);
    await Promise.all([sender.waitForStep('open'), receiver.waitForStep('open')]);

    const relayed = proxy.frames.filter((f) => f.text.includes('"relay"'));
    const kinds = relayed.map((frame) => relayKind(frame));
    expect(kinds.filter((k) => k === RelayKind.Share)).toHaveLength(4); // each side sends, each receives
    expect(kinds.filter((k) => k === RelayKind.Sealed).length).toBeGreaterThanOrEqual(4);
    for (const frame of proxy.frames) {
      expect(frame.text).not.toMatch(/v=0|a=fingerprint|candidate:|ice-ufrag|127\.0\.0\.1/);
      expect(frame.text).not.toContain(code.split('-')[1]);
    }
  });
});

function relayKind(frame: RecordedFrame): number {
  const decoded =
    frame.direction === 'to-server' ? decodeClientFrame(frame.text) : decodeServerFrame(frame.text);
  if (!decoded.ok || decoded.frame.type !== 'relay')
    throw new Error(`not a relay frame: ${frame.text}`);
  const body = decodeRelayBody(decoded.frame.body);
  if (!body.ok) throw new Error(`undecodable relay body: ${body.error.message}`);
  return body.kind;
}

/**
 * A rewrite that flips one bit in the first sealed frame big enough to be an SDP offer (the
 * identity frames before it are small): the one that carries the DTLS fingerprint.
 */
function tamperFirstSealedFrame(): { rewrite(frame: RecordedFrame): string; altered(): number } {
  let altered = 0;
  return {
    altered: () => altered,
    rewrite(frame) {
      if (altered > 0 || frame.direction !== 'to-server') return frame.text;
      const decoded = decodeClientFrame(frame.text);
      if (!decoded.ok || decoded.frame.type !== 'relay') return frame.text;
      const body = decodeRelayBody(decoded.frame.body);
      if (!body.ok || body.kind !== RelayKind.Sealed || body.bytes.length < 400) return frame.text;
      altered++;
      const bytes = body.bytes.slice();
      bytes[bytes.length - 40]! ^= 0x01;
      return JSON.stringify({ type: 'relay', body: encodeRelayBody(RelayKind.Sealed, bytes) });
    },
  };
}
