import { blake3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import type { SignalingConnection } from '../rtc/signaling-client.js';
import { establishSealedSignaling } from '../rtc/sealed-signaling.js';
import type { EstablishContext, Established } from '../rtc/established.js';
import { FakePeerNetwork } from '../../test/fakes/peer-connection.js';
import { FakeScratch } from '../../test/fakes/scratch.js';
import { fakeMailbox } from '../../test/fakes/signaling-mailbox.js';
import { sessionSide } from '../../test/fakes/session-side.js';

const NAMEPLATE = '7';

/** By code over a fake mailbox: the real PAKE (CPace) with `password`, as rtc/code-sessions. */
function byCode(connection: SignalingConnection, role: 'A' | 'B', password: string) {
  return async ({ setStep, showCode, signal }: EstablishContext): Promise<Established> => {
    if (role === 'A') showCode(`${NAMEPLATE}-${password}`);
    setStep('handshaking');
    const sealed = await establishSealedSignaling(connection, {
      role,
      password,
      context: NAMEPLATE,
      signal,
    });
    return { sealed, iceServers: [], release: () => connection.close() };
  };
}

const side = sessionSide;

const identity = (name: string) => ({ name, publicKey: `${name}-public-key` });

describe('a session against a fake peer: PAKE, offer, accept, transfer, close', () => {
  it('sends a file by code: both sides agree on the verifier, the file arrives verified, close ends both', async () => {
    const mailbox = fakeMailbox();
    const network = new FakePeerNetwork();
    const data = Uint8Array.from({ length: 300_000 }, (_, index) => (index * 7) & 0xff);
    const file = new File([data], 'photo.raw');
    const sender = side({
      role: 'send',
      self: identity('Alice'),
      establish: byCode(mailbox.a, 'A', 'apple-river'),
      intent: 'files',
      files: [{ file, path: 'holiday/photo.raw' }],
      createConnection: network.side('A'),
    });
    const receiver = side({
      role: 'receive',
      self: identity('Bob'),
      establish: byCode(mailbox.b, 'B', 'apple-river'),
      scratch: new FakeScratch(),
      createConnection: network.side('B'),
    });
    void sender.session.run();
    void receiver.session.run();

    // The offer: the receiver learns who sends what, and waits for the person.
    const offered = await receiver.until(
      (view) => view.transfer?.state === 'offered',
      'offered the files',
    );
    const sending = await sender.until((view) => view.step === 'open', 'opened');
    expect(offered.peerName).toBe('Alice');
    expect(sending.peerName).toBe('Bob');
    expect(offered.kind).toBe('files');
    expect(offered.verifier).toBeDefined();
    expect(offered.verifier).toBe(sending.verifier);
    // The sender's code comes with the web page's link that receives by it (a phone scans it).
    expect(sending.code).toBe(`${NAMEPLATE}-apple-river`);
    expect(sending.receiveUrl).toBe(`http://127.0.0.1:1/#${NAMEPLATE}-apple-river`);
    expect(offered.receiveUrl).toBeUndefined();
    expect(offered.path).toBe('direct');
    expect(offered.transfer?.files).toEqual([
      { path: 'holiday/photo.raw', size: data.length, done: 0, state: 'waiting' },
    ]);
    // The connection was negotiated over the sealed signaling: A offered, B answered.
    expect(network.received).toEqual({ A: ['answer'], B: ['offer'] });
    expect(receiver.saved).toEqual([]);

    receiver.session.acceptFiles();
    await receiver.until((view) => view.transfer?.state === 'complete', 'received the file');
    await sender.until((view) => view.transfer?.state === 'complete', 'sent the file');
    expect(receiver.saved.map(({ path }) => path)).toEqual(['holiday/photo.raw']);
    expect(await blake3(receiver.saved[0]!.bytes)).toBe(await blake3(data));
    expect(sender.ended.map((view) => view.transfer?.state)).toEqual(['complete']);
    expect(receiver.ended.map((view) => view.transfer?.state)).toEqual(['complete']);

    sender.session.close();
    expect(sender.session.snapshot().step).toBe('closed');
    await receiver.until((view) => view.step === 'closed', 'closed');
    expect(receiver.session.snapshot().error).toBeUndefined();
  });

  /** Alice offers a small file by the code apple-river; `name` types `code` to receive it. */
  function smallOffer(name: string, code: string) {
    const mailbox = fakeMailbox();
    const network = new FakePeerNetwork();
    const sender = side({
      role: 'send',
      self: identity('Alice'),
      establish: byCode(mailbox.a, 'A', 'apple-river'),
      intent: 'files',
      files: [{ file: new File([new Uint8Array(10)], 'a'), path: 'a.bin' }],
      createConnection: network.side('A'),
    });
    const receiver = side({
      role: 'receive',
      self: identity(name),
      establish: byCode(mailbox.b, 'B', code),
      scratch: new FakeScratch(),
      createConnection: network.side('B'),
    });
    return { network, sender, receiver };
  }

  it('a declined offer saves nothing, and the sender is told', async () => {
    const { sender, receiver } = smallOffer('Bob', 'apple-river');
    void sender.session.run();
    void receiver.session.run();
    await receiver.until((view) => view.transfer?.state === 'offered', 'offered the files');
    receiver.session.declineFiles();
    const told = await sender.until((view) => view.transfer?.state === 'declined', 'was told');
    expect(told.error?.code).toBe('DECLINED');
    expect(receiver.saved).toEqual([]);
  });

  it('a peer with another code fails the PAKE: CODE_MISMATCH on both sides, no connection', async () => {
    const { network, sender, receiver: guesser } = smallOffer('Mallory', 'apple-rover');
    void sender.session.run();
    void guesser.session.run();
    const failed = await guesser.until((view) => view.step === 'failed', 'failed');
    const senderFailed = await sender.until((view) => view.step === 'failed', 'failed');
    expect(failed.error?.code).toBe('CODE_MISMATCH');
    expect(senderFailed.error?.code).toBe('CODE_MISMATCH');
    expect(failed.peerName).toBeUndefined();
    expect(network.received).toEqual({ A: [], B: [] });
  });
});
