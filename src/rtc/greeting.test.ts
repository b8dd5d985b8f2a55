import { describe, expect, it } from 'vitest';
import { PeerbeamError } from '../core/errors.js';
import type { PeerSignal } from '../core/peer-signal.js';
import { greet, TabSignals, type TabSignal } from './greeting.js';
import { establishSealedSignaling } from './sealed-signaling.js';
import { fakeMailbox } from '../../test/fakes/signaling-mailbox.js';

/** Two sides of one code session, sealed (the real CPace over an in-memory mailbox). */
async function sealedPair() {
  const mailbox = fakeMailbox();
  const options = { password: 'apple-river', context: '7', stepTimeoutMs: 500 };
  const [a, b] = await Promise.all([
    establishSealedSignaling(mailbox.a, { role: 'A', ...options }),
    establishSealedSignaling(mailbox.b, { role: 'B', ...options }),
  ]);
  return { mailbox, a, b };
}

const alice = { name: 'Alice', publicKey: 'alice-key' };
const bob = { name: 'Bob', publicKey: 'bob-key' };

/** What `promise` settled to within `ms`, or 'pending'. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([
    promise,
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

const offer = (sdp: string): TabSignal => ({
  t: 'tab-description',
  description: { type: 'offer', sdp },
});
const candidate = (n: number): TabSignal => ({
  t: 'tab-candidate',
  candidate: { candidate: `candidate:${n} 1 udp 1 192.0.2.1 ${5000 + n} typ host`, sdpMid: '0' },
});

describe('identity, then intent: one greeting for every session', () => {
  it.each([
    ['the starting side greets first', 'A'],
    ['the learning side greets first', 'B'],
  ])('identity and intent are exchanged in either order: %s', async (_case, first) => {
    const { a, b } = await sealedPair();
    const starting = () => greet(a, { self: alice, intent: 'files' });
    const learning = () => greet(b, { self: bob });
    const [fromA, fromB] =
      first === 'A'
        ? await Promise.all([starting(), learning()])
        : await Promise.all([learning(), starting()]).then(([x, y]) => [y, x] as const);
    expect(fromA).toEqual({ peer: bob, kind: 'files' });
    expect(fromB).toEqual({ peer: alice, kind: 'files' });
  });

  it('an intent sent right behind the identity is not missed', async () => {
    const { a, b } = await sealedPair();
    // A peer that answers our identity with its own and its intent at once.
    a.subscribe((signal) => {
      if (signal.t !== 'identity') return;
      a.send({ t: 'identity', ...alice });
      a.send({ t: 'intent', kind: 'tab' });
    });
    expect(await greet(b, { self: bob })).toEqual({ peer: alice, kind: 'tab' });
  });

  it('a paired device already known and an agreed intent: nothing is exchanged', async () => {
    const { a, b } = await sealedPair();
    const heard: PeerSignal[] = [];
    a.subscribe((signal) => heard.push(signal));
    const greeting = await greet(b, { self: bob, peer: alice, intent: 'chat', intentAgreed: true });
    expect(greeting).toEqual({ peer: alice, kind: 'chat' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(heard).toEqual([]);
  });

  it('the peer leaving during the greeting fails it with PEER_LEFT', async () => {
    const { mailbox, b } = await sealedPair();
    const greeting = greet(b, { self: bob });
    mailbox.a.close();
    await expect(greeting).rejects.toMatchObject({ code: 'PEER_LEFT' });
  });
});

describe("a tab share's signals over the sealed signaling", () => {
  it('tab signals that arrive before the handler are delivered in order', async () => {
    const { a, b } = await sealedPair();
    const watch = new TabSignals(b, new AbortController().signal);
    for (const signal of [offer('first'), candidate(1), candidate(2)]) a.send(signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const delivered: TabSignal[] = [];
    watch.deliver((signal) => delivered.push(signal));
    expect(delivered).toEqual([offer('first'), candidate(1), candidate(2)]);
    a.send(candidate(3));
    a.send({ t: 'intent', kind: 'tab' }); // not a tab signal: not delivered
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(delivered).toEqual([offer('first'), candidate(1), candidate(2), candidate(3)]);
  });

  it('bye ends the watch', async () => {
    const { a, b } = await sealedPair();
    const watch = new TabSignals(b, new AbortController().signal);
    a.send({ t: 'bye' });
    expect(await within(watch.ended, 500)).toBeUndefined();
  });

  it('an idle signaling close after media flows does not end it; the peer leaving does', async () => {
    const { mailbox, a, b } = await sealedPair();
    const watchB = new TabSignals(b, new AbortController().signal);
    const watchA = new TabSignals(a, new AbortController().signal);
    watchA.mediaFlows();
    watchB.mediaFlows();
    // A's socket closes on its own (an idle mailbox expired): no end for A.
    a.end(new PeerbeamError('SIGNALING_CLOSED', 'the socket closed'));
    expect(await within(watchA.ended, 100)).toBe('pending');
    // B hears A's side leave: that ends B's watch.
    mailbox.a.close();
    expect(await within(watchB.ended, 500)).toMatchObject({ code: 'PEER_LEFT' });
  });

  it('before media flows, signaling that closes ends the watch with its reason', async () => {
    const { b } = await sealedPair();
    const watch = new TabSignals(b, new AbortController().signal);
    b.end(new PeerbeamError('SIGNALING_CLOSED', 'the socket closed'));
    expect(await within(watch.ended, 500)).toMatchObject({ code: 'SIGNALING_CLOSED' });
  });

  it('aborting the watch stops delivery', async () => {
    const { a, b } = await sealedPair();
    const abort = new AbortController();
    const watch = new TabSignals(b, abort.signal);
    const delivered: TabSignal[] = [];
    watch.deliver((signal) => delivered.push(signal));
    a.send(candidate(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    abort.abort();
    a.send(candidate(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(delivered).toEqual([candidate(1)]);
  });
});
