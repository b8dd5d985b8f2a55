import { blake3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { FakePeerNetwork } from '../../test/fakes/peer-connection.js';
import { FakeScratch } from '../../test/fakes/scratch.js';
import { fakeMailbox } from '../../test/fakes/signaling-mailbox.js';
import type { EstablishContext, Established } from '../rtc/established.js';
import { establishSealedSignaling } from '../rtc/sealed-signaling.js';
import type { SignalingConnection } from '../rtc/signaling-client.js';
import { driveRecovery, type RecoveryClock, type RecoveryHost } from './recovery.js';
import type { RecoveryFailure, RecoveryStep } from './recovery-policy.js';
import { sessionSide } from '../../test/fakes/session-side.js';

const MiB = 1024 * 1024;

/** A clock whose sleeps pass at once, and which remembers them. */
function fastClock(): RecoveryClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** A session as the driver sees it, scripted: each step may mend something or throw. */
function scriptedHost(
  role: 'A' | 'B',
  state: { signaling: boolean; channel: boolean; connected: boolean },
  effects: Partial<Record<RecoveryStep, () => void>>,
): RecoveryHost & { steps: RecoveryStep[]; over: boolean } {
  const host = {
    role,
    steps: [] as RecoveryStep[],
    over: false,
    isOver: () => host.over,
    healthy: () => state.connected && state.channel,
    diagnose: (): RecoveryFailure | undefined => {
      if (!state.signaling) return 'signaling-lost';
      if (host.healthy()) return undefined;
      return state.channel ? 'ice-failed' : 'connection-lost';
    },
    take: async (step: RecoveryStep) => {
      host.steps.push(step);
      effects[step]?.();
    },
  };
  return host;
}

describe('the recovery driver does what the policy says', () => {
  it('side A: an ICE restart that does not help is followed by a new connection, which brings it back', async () => {
    const state = { signaling: true, channel: true, connected: false };
    const host = scriptedHost('A', state, {
      'ice-restart': () => (state.channel = false),
      'new-connection': () => Object.assign(state, { channel: true, connected: true }),
    });
    const clock = fastClock();
    expect(await driveRecovery(host, clock)).toBe('recovered');
    expect(host.steps).toEqual(['ice-restart', 'new-connection']);
    expect(clock.slept).toEqual([]);
  });

  it('lost signaling is rebuilt first (a new PAKE), then the connection', async () => {
    const state = { signaling: false, channel: false, connected: false };
    const host = scriptedHost('A', state, {
      'new-pake': () => (state.signaling = true),
      'new-connection': () => Object.assign(state, { channel: true, connected: true }),
    });
    expect(await driveRecovery(host, fastClock())).toBe('recovered');
    expect(host.steps).toEqual(['new-pake', 'new-connection']);
  });

  it('a network that stays down: attempts back off 500 ms … 5 s, and it gives up at two minutes', async () => {
    const state = { signaling: false, channel: false, connected: false };
    const host = scriptedHost('A', state, {
      'new-pake': () => {
        throw new Error('signaling unreachable');
      },
    });
    const clock = fastClock();
    expect(await driveRecovery(host, clock)).toBe('gave-up');
    expect(clock.slept.slice(0, 6)).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    const total = clock.slept.reduce((sum, ms) => sum + ms, 0);
    expect(total).toBeLessThan(120_000);
    expect(total + 5_000).toBeGreaterThanOrEqual(120_000);
    // One new PAKE per attempt, nothing else while signaling is down.
    expect(new Set(host.steps)).toEqual(new Set(['new-pake']));
    expect(host.steps).toHaveLength(clock.slept.length + 1);
  });

  it('side B never drives a new connection: it waits for side A, attempt after attempt', async () => {
    const state = { signaling: true, channel: false, connected: false };
    let waits = 0;
    const host = scriptedHost('B', state, {
      'wait-for-peer': () => {
        if (++waits === 3) Object.assign(state, { channel: true, connected: true });
      },
    });
    const clock = fastClock();
    expect(await driveRecovery(host, clock)).toBe('recovered');
    expect(host.steps).toEqual(['wait-for-peer', 'wait-for-peer', 'wait-for-peer']);
    expect(clock.slept).toEqual([500, 1_000]);
  });

  it('stops without a verdict when the session ends meanwhile', async () => {
    const state = { signaling: true, channel: true, connected: false };
    const host = scriptedHost('A', state, {});
    host.take = async (step) => {
      host.steps.push(step);
      host.over = true;
    };
    expect(await driveRecovery(host, fastClock())).toBe('over');
    expect(host.steps).toEqual(['ice-restart']);
  });
});

/** By code over a fake mailbox, as session.test.ts does. */
function byCode(connection: SignalingConnection, role: 'A' | 'B') {
  return async ({ signal }: EstablishContext): Promise<Established> => {
    const sealed = await establishSealedSignaling(connection, {
      role,
      password: 'apple-river',
      context: '7',
      signal,
    });
    return { sealed, iceServers: [], release: () => connection.close() };
  };
}

/** One side, and the transfer states it went through (each change once). */
function side(options: Parameters<typeof sessionSide>[0]) {
  const one = sessionSide(options, 20_000);
  return {
    ...one,
    get states(): string[] {
      const states: string[] = [];
      for (const view of one.views) {
        const state = view.transfer?.state;
        if (state && states.at(-1) !== state) states.push(state);
      }
      return states;
    },
  };
}

describe('a session resumes after its connection drops mid-transfer', () => {
  it('the data channel closes halfway: side A makes a new connection, the file resumes and arrives whole', async () => {
    const mailbox = fakeMailbox();
    const network = new FakePeerNetwork();
    // Past the first 16 MiB checkpoint, so the resume starts from there, not from zero.
    const data = Uint8Array.from({ length: 20 * MiB }, (_, index) => (index * 13) & 0xff);
    let dropped = false;
    const sender = side({
      role: 'send',
      self: { name: 'Alice', publicKey: 'a' },
      establish: byCode(mailbox.a, 'A'),
      intent: 'files',
      files: [{ file: new File([data], 'big.bin'), path: 'big.bin' }],
      createConnection: network.side('A'),
    });
    const receiver = side({
      role: 'receive',
      self: { name: 'Bob', publicKey: 'b' },
      establish: byCode(mailbox.b, 'B'),
      scratch: new FakeScratch(),
      createConnection: network.side('B'),
    });
    // The network drops once 17 MiB are on their way.
    const first = network.channel('A', 0);
    const send = first.send.bind(first);
    let sentBytes = 0;
    first.send = (frame) => {
      send(frame);
      if (typeof frame !== 'string') sentBytes += frame.byteLength;
      if (!dropped && sentBytes > 17 * MiB) {
        dropped = true;
        queueMicrotask(() => first.close());
      }
    };
    void sender.session.run();
    void receiver.session.run();
    await receiver.until((view) => view.transfer?.state === 'offered', 'offered the files');
    receiver.session.acceptFiles();
    await receiver.until((view) => view.transfer?.state === 'complete', 'received the file');
    await sender.until((view) => view.transfer?.state === 'complete', 'sent the file');

    expect(dropped).toBe(true);
    expect(sender.states).toContain('reconnecting');
    // Side A offered a second connection (generation 1), which side B answered.
    expect(network.received).toEqual({ A: ['answer', 'answer'], B: ['offer', 'offer'] });
    expect(network.channel('B', 1).readyState).toBe('open');
    const resent = network
      .channel('A', 1)
      .sent.filter((item): item is ArrayBuffer => item instanceof ArrayBuffer)
      .reduce((sum, chunk) => sum + chunk.byteLength, 0);
    // Only what followed the receiver's 16 MiB checkpoint went again (plus frame headers).
    expect(resent).toBeGreaterThan(4 * MiB);
    expect(resent).toBeLessThan(5 * MiB);
    expect(receiver.saved.map(({ path }) => path)).toEqual(['big.bin']);
    expect(await blake3(receiver.saved[0]!.bytes)).toBe(await blake3(data));
    sender.session.close();
    await receiver.until((view) => view.step === 'closed', 'closed');
  }, 30_000);
});
