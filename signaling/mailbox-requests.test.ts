import { describe, expect, it } from 'vitest';
import { Admission } from './admission.js';
import { createInMemoryBackend } from './backend.js';
import { answerRequest } from './mailbox-requests.js';
import type { MailboxStore } from './mailboxes.js';
import { testConfig } from '../test/signaling/test-support.js';

const MAILBOX_ID = 'b'.repeat(64);

function setup(overrides: Parameters<typeof testConfig>[0] = {}) {
  const config = testConfig(overrides);
  const backend = createInMemoryBackend(config);
  const admission = new Admission(config, backend, Date.now);
  const store = backend.store;
  const ask = (id: string, frame: Parameters<typeof answerRequest>[3], inMailbox = false) =>
    answerRequest(store, admission, { id, addressKey: '192.0.2.1', inMailbox }, frame, 5);
  return { store, admission, ask };
}

describe('mailbox requests', () => {
  it('answers allocate, claim, relay and release with what the store did', async () => {
    const { store, ask } = setup();
    await store.connect('a', () => {});
    await store.connect('b', () => {});
    const allocated = await ask('a', { type: 'allocate' });
    if (allocated.type !== 'allocated') throw new Error(`not allocated: ${allocated.type}`);
    const { nameplate } = allocated;
    expect(await ask('b', { type: 'claim', nameplate })).toEqual({ type: 'claimed', nameplate });
    expect(await ask('b', { type: 'relay', body: 'aGk' }, true)).toEqual({
      type: 'relayed',
      receivedAt: 5,
    });
    expect(await ask('b', { type: 'release', mood: 'happy' }, true)).toEqual({ type: 'released' });
  });

  it("answers the store's refusal with its code", async () => {
    const { store, ask } = setup();
    await store.connect('a', () => {});
    expect(await ask('a', { type: 'claim', nameplate: '999' })).toEqual({
      type: 'failed',
      code: 'NO_SUCH_NAMEPLATE',
    });
    expect(await ask('a', { type: 'relay', body: 'aGk' })).toEqual({
      type: 'failed',
      code: 'NOT_IN_MAILBOX',
    });
  });

  it('says whether a join found the peer', async () => {
    const { store, ask } = setup();
    await store.connect('a', () => {});
    await store.connect('b', () => {});
    expect(await ask('a', { type: 'join', mailbox: MAILBOX_ID })).toEqual({
      type: 'joined',
      peerPresent: false,
    });
    expect(await ask('b', { type: 'join', mailbox: MAILBOX_ID })).toEqual({
      type: 'joined',
      peerPresent: true,
    });
  });

  it('never reaches the store with an entry the address has no budget for', async () => {
    const { store, admission } = setup({ claimsPerMinute: 1 });
    const asked: string[] = [];
    const recording = new Proxy(store, {
      get(target, name: keyof MailboxStore) {
        asked.push(name);
        return target[name].bind(target);
      },
    });
    const claim = () =>
      answerRequest(
        recording,
        admission,
        { id: 'a', addressKey: '192.0.2.1', inMailbox: false },
        { type: 'claim', nameplate: '999' },
        0,
      );
    expect(await claim()).toEqual({ type: 'failed', code: 'NO_SUCH_NAMEPLATE' });
    expect(await claim()).toEqual({ type: 'refused', reason: 'claim_rate' });
    expect(asked).toEqual(['claim']);
  });
});
