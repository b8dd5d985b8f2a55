import { describe, expect, it } from 'vitest';
import type { PeerbeamError } from '../core/errors.js';
import { encodeControl } from '../core/transfer-protocol.js';
import { FakeDataChannel } from '../../test/fakes/data-channel.js';
import { FileSender } from './file-sender.js';

/** A sender whose receiver answers the offer with `reply`; resolves with how it ended. */
async function offerRefusedWith(reply: Parameters<typeof encodeControl>[0]) {
  let ended!: (error: PeerbeamError | undefined) => void;
  const end = new Promise<PeerbeamError | undefined>((resolve) => (ended = resolve));
  const sender = new FileSender(
    [{ file: new File([new Uint8Array(2_000)], 'photo.jpg'), path: 'photo.jpg' }],
    () => undefined,
    (error) => ended(error),
  );
  const [channel, receiver] = FakeDataChannel.pair();
  sender.attach(channel as unknown as RTCDataChannel, null);
  receiver.send(encodeControl(reply));
  return { error: await end, state: sender.progress.state };
}

describe('an offer too large for the receiving browser: the sender is told why', () => {
  it('the receiver had too little room: PEER_NO_ROOM naming its room, nothing sent', async () => {
    const { error, state } = await offerRefusedWith({ t: 'cancel', noRoom: 1_500 });
    expect(error?.code).toBe('PEER_NO_ROOM');
    expect(error?.message).toBe('1.5\u00a0KB');
    expect(state).toBe('failed');
  });

  it('a plain cancel is still the receiver cancelling', async () => {
    const { error, state } = await offerRefusedWith({ t: 'cancel' });
    expect(error?.code).toBe('CANCELLED');
    expect(state).toBe('cancelled');
  });
});
