import { describe, expect, it } from 'vitest';
import { establishSealedSignaling } from './sealed-signaling.js';
import { fakeMailbox } from '../../test/fakes/signaling-mailbox.js';

const options = { password: 'apple-river', context: '7', stepTimeoutMs: 200 };

describe('every handshake step has a timeout', () => {
  it('two sides with the same code finish the PAKE', async () => {
    const { a, b } = fakeMailbox();
    const [sealedA, sealedB] = await Promise.all([
      establishSealedSignaling(a, { role: 'A', ...options }),
      establishSealedSignaling(b, { role: 'B', ...options }),
    ]);
    expect(sealedA.isOpen && sealedB.isOpen).toBe(true);
  });

  it.each([
    ['a peer that never sends its share', 0],
    ['a peer that sends its share, takes our confirmation and goes silent', 1],
  ])('%s fails with TIMEOUT in bounded time', async (_case, relaysFromB) => {
    const { a, b } = fakeMailbox({ relaysFromB });
    const started = Date.now();
    const silentPeer = establishSealedSignaling(b, {
      role: 'B',
      ...options,
      stepTimeoutMs: 60_000,
    });
    await expect(establishSealedSignaling(a, { role: 'A', ...options })).rejects.toMatchObject({
      code: 'TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    void silentPeer.catch(() => undefined);
  });

  it('our own cancel is reported as the cancel, not as a timeout', async () => {
    const { a } = fakeMailbox();
    const cancel = new AbortController();
    const attempt = establishSealedSignaling(a, { role: 'A', ...options, signal: cancel.signal });
    cancel.abort(new Error('cancelled by the person'));
    await expect(attempt).rejects.toThrow('cancelled by the person');
  });
});
