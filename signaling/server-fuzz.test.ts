/**
 * Fuzzing a real signaling process (signaling/main.ts) with malformed, truncated, oversized,
 * out-of-order and flooding frames. Each generated connection's every answer is checked
 * against a small model of the protocol (which close code or error each frame earns), and
 * afterwards: the process is up, a pair connected before the fuzzing still relays, the
 * connection and mailbox counts are back where they were, memory stayed bounded, and the
 * rejection counters in /metrics match what the clients saw.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloseCode,
  PROTOCOL_VERSION,
  SignalingErrorCode,
  decodeClientFrame,
  encodeFrame,
  type ClientFrame,
} from '../src/core/protocol.js';
import type { RejectionReason } from './metrics.js';
import {
  TestClient,
  httpGet,
  metricSample,
  sleep,
  startSignalingProcess,
  withTimeout,
  type SignalingProcess,
} from '../test/signaling/test-support.js';

const MAX_FRAME_BYTES = 4096;
const FRAME_BURST = 20;
const RUNS = 300;
const MESSAGE_TOO_BIG = 1009;

let server: SignalingProcess;
let bystanders: { a: TestClient; b: TestClient };

/** A fresh source address per connection, so per-address budgets never mix cases. */
let addressCounter = 0;
const nextAddress = () => {
  addressCounter++;
  return `127.1.${Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
};

async function metrics(): Promise<string> {
  return (await httpGet(server.url + '/metrics')).body;
}
async function health(): Promise<{ connections: number; mailboxes: number; waiting: number }> {
  return JSON.parse((await httpGet(server.url + '/healthz')).body) as {
    connections: number;
    mailboxes: number;
    waiting: number;
  };
}
const rss = async () => metricSample(await metrics(), 'process_resident_memory_bytes') ?? NaN;
const rejected = (text: string, reason: RejectionReason) =>
  metricSample(text, `peerbeam_signaling_rejections_total{reason="${reason}"}`) ?? NaN;

async function expectBystandersServed(): Promise<void> {
  const body = randomBytes(12).toString('base64url');
  bystanders.a.send({ type: 'relay', body });
  expect(await bystanders.b.expect('relay')).toEqual({ type: 'relay', body });
  bystanders.b.send({ type: 'relay', body: body + 'r' });
  expect(await bystanders.a.expect('relay')).toEqual({ type: 'relay', body: body + 'r' });
}

beforeAll(async () => {
  server = await startSignalingProcess({
    MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
    FRAME_BURST: String(FRAME_BURST),
    FRAME_RATE: '20',
  });
  // A paired-device mailbox: no nameplate a fuzzed claim could hit.
  const mailbox = randomBytes(32).toString('hex');
  const a = await TestClient.ready(server.wsUrl, '127.0.9.1');
  const b = await TestClient.ready(server.wsUrl, '127.0.9.2');
  a.send({ type: 'join', mailbox });
  await a.expect('joined');
  b.send({ type: 'join', mailbox });
  await b.expect('joined');
  await Promise.all([a.expect('paired'), b.expect('paired')]);
  bystanders = { a, b };
}, 20_000);

afterAll(async () => {
  bystanders?.a.close();
  bystanders?.b.close();
  expect(await server?.stop()).toBe(0);
});

/** What the fuzzer sends on one connection. */
type Action =
  | { readonly kind: 'valid'; readonly type: Exclude<ClientFrame['type'], 'hello'> }
  | { readonly kind: 'hello'; readonly v: number }
  | { readonly kind: 'garbage'; readonly text: string }
  | { readonly kind: 'json'; readonly value: unknown }
  | {
      readonly kind: 'mutated';
      readonly type: ClientFrame['type'];
      readonly key: string;
      readonly value: unknown;
    }
  | { readonly kind: 'truncated'; readonly type: ClientFrame['type']; readonly keep: number }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array }
  | { readonly kind: 'oversized'; readonly bytes: number }
  | { readonly kind: 'flood'; readonly frames: number };

const frameTypes = ['hello', 'allocate', 'claim', 'join', 'relay', 'release'] as const;
const afterHello = ['allocate', 'claim', 'join', 'relay', 'release'] as const;

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(...afterHello).map((type) => ({ kind: 'valid' as const, type })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.constant(PROTOCOL_VERSION), fc.integer({ min: 0, max: 5 }))
      .map((v) => ({ kind: 'hello' as const, v })),
  },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 200 }).map((text) => ({ kind: 'garbage' as const, text })),
  },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('mutated' as const),
      type: fc.constantFrom(...frameTypes),
      key: fc.constantFrom('type', 'v', 'nameplate', 'mailbox', 'body', 'mood', 'extra'),
      value: fc.jsonValue({ maxDepth: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('truncated' as const),
      type: fc.constantFrom(...frameTypes),
      keep: fc.nat({ max: 60 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 64 })
      .map((bytes) => ({ kind: 'binary' as const, bytes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.integer({ min: MAX_FRAME_BYTES + 1, max: MAX_FRAME_BYTES * 3 }),
        fc.integer({ min: MAX_FRAME_BYTES * 5, max: MAX_FRAME_BYTES * 8 }),
      )
      .map((bytes) => ({ kind: 'oversized' as const, bytes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: FRAME_BURST * 3, max: FRAME_BURST * 10 })
      .map((frames) => ({ kind: 'flood' as const, frames })),
  },
);

/** Most connections say hello first, so the fuzzing reaches the mailbox states too. */
const session: fc.Arbitrary<Action[]> = fc
  .tuple(fc.nat({ max: 4 }), fc.array(action, { minLength: 1, maxLength: 12 }))
  .map(([dice, actions]) =>
    dice > 0 ? [{ kind: 'hello', v: PROTOCOL_VERSION } as const, ...actions] : actions,
  );

/** A valid frame of `type`; claims name nameplates nobody holds, mailboxes are fresh. */
function validFrame(type: ClientFrame['type']): ClientFrame {
  switch (type) {
    case 'hello':
      return { type, v: PROTOCOL_VERSION };
    case 'allocate':
      return { type };
    case 'claim':
      return { type, nameplate: String(900_000 + Math.floor(Math.random() * 99_999)) };
    case 'join':
      return { type, mailbox: randomBytes(32).toString('hex') };
    case 'relay':
      return { type, body: randomBytes(24).toString('base64url') };
    case 'release':
      return { type, mood: 'lonely' };
  }
}

interface Wire {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

function toWire(a: Exclude<Action, { kind: 'flood' }>): Wire {
  const text = (data: string): Wire => ({ data, binary: false });
  switch (a.kind) {
    case 'valid':
      return text(encodeFrame(validFrame(a.type)));
    case 'hello':
      return text(JSON.stringify({ type: 'hello', v: a.v }));
    case 'garbage':
      return text(a.text);
    case 'json':
      return text(JSON.stringify(a.value) ?? 'undefined');
    case 'mutated':
      return text(JSON.stringify({ ...validFrame(a.type), [a.key]: a.value }));
    case 'truncated': {
      const full = encodeFrame(validFrame(a.type));
      return text(full.slice(0, Math.min(a.keep, full.length - 1)));
    }
    case 'binary':
      return { data: Buffer.from(a.bytes), binary: true };
    case 'oversized':
      return text(JSON.stringify({ type: 'relay', body: 'x'.repeat(a.bytes) }));
  }
}

/** What the server must answer to one frame. */
type Outcome =
  | { readonly reply: 'welcome' | 'allocated' | 'joined' }
  | { readonly error: SignalingErrorCode }
  | { readonly close: number; readonly reason: RejectionReason }
  | { readonly nothing: true };

interface ModelState {
  ready: boolean;
  inMailbox: boolean;
}

/** The protocol's rules for one frame, in the server's order of checks. */
function model(state: ModelState, wire: Wire): Outcome {
  const size = Buffer.byteLength(wire.data);
  if (size > MAX_FRAME_BYTES * 4) return { close: MESSAGE_TOO_BIG, reason: 'frame_too_large' };
  if (size > MAX_FRAME_BYTES)
    return { close: CloseCode.FRAME_TOO_LARGE, reason: 'frame_too_large' };
  if (wire.binary) return { close: CloseCode.INVALID_FRAME, reason: 'invalid_frame' };
  const decoded = decodeClientFrame(String(wire.data));
  if (!decoded.ok) return { close: CloseCode.INVALID_FRAME, reason: 'invalid_frame' };
  const frame = decoded.frame;
  if (!state.ready) {
    if (frame.type !== 'hello') return { error: SignalingErrorCode.HELLO_REQUIRED };
    if (frame.v !== PROTOCOL_VERSION) {
      return { close: CloseCode.PROTOCOL_MISMATCH, reason: 'protocol_mismatch' };
    }
    state.ready = true;
    return { reply: 'welcome' };
  }
  const already = { error: SignalingErrorCode.ALREADY_IN_MAILBOX } as const;
  switch (frame.type) {
    case 'hello':
      return { close: CloseCode.INVALID_FRAME, reason: 'invalid_frame' };
    case 'allocate':
    case 'join':
      if (state.inMailbox) return already;
      state.inMailbox = true;
      return { reply: frame.type === 'allocate' ? 'allocated' : 'joined' };
    case 'claim':
      return state.inMailbox ? already : { error: SignalingErrorCode.NO_SUCH_NAMEPLATE };
    case 'relay':
      return {
        error: state.inMailbox ? SignalingErrorCode.NO_PEER : SignalingErrorCode.NOT_IN_MAILBOX,
      };
    case 'release':
      state.inMailbox = false;
      return { nothing: true };
  }
}

/** Close codes and error frames the clients saw, by the counter that should have counted them. */
type Tally = Partial<Record<RejectionReason, number>>;

async function expectClose(client: TestClient, code: number, allowHelloRequired = false) {
  for (;;) {
    const frame = await client.next().catch((error: Error) => error);
    if (frame instanceof Error) {
      expect(frame.message).toMatch(/^closed \(/);
      break;
    }
    // Only a flood before hello may earn replies on its way to the close.
    expect(allowHelloRequired && frame.type === 'error' && frame.code === 'HELLO_REQUIRED').toBe(
      true,
    );
  }
  expect((await client.closedWithin()).code).toBe(code);
}

/** Plays `actions` on a fresh connection, checking every answer against the model. */
async function play(actions: readonly Action[], tally: Tally): Promise<void> {
  const client = await TestClient.open(server.wsUrl, nextAddress());
  const state: ModelState = { ready: false, inMailbox: false };
  const count = (reason: RejectionReason) => (tally[reason] = (tally[reason] ?? 0) + 1);
  try {
    for (const step of actions) {
      if (step.kind === 'flood') {
        const release = encodeFrame({ type: 'release', mood: 'happy' });
        for (let i = 0; i < step.frames; i++) client.sendRaw(release);
        await expectClose(client, CloseCode.RATE_LIMITED, !state.ready);
        count('frame_rate');
        // The HELLO_REQUIRED answers of a flood before hello are counted from /metrics.
        return;
      }
      const wire = toWire(step);
      const outcome = model(state, wire);
      client.sendRaw(wire.data, wire.binary);
      if ('close' in outcome) {
        await expectClose(client, outcome.close);
        count(outcome.reason);
        return;
      }
      if ('error' in outcome) {
        expect(await client.next()).toMatchObject({ type: 'error', code: outcome.error });
        if (outcome.error === 'HELLO_REQUIRED') count('hello_required');
      }
      if ('reply' in outcome) expect((await client.next()).type).toBe(outcome.reply);
    }
    await client.expectSilence(5);
  } finally {
    client.close();
    await client.closedWithin();
  }
}

describe('fuzzed frames against one process', () => {
  it('answers every malformed, truncated, oversized, out-of-order or flooding frame as the protocol says, and stays healthy', async () => {
    // Warm up (JIT, buffers) before the memory baseline.
    await fc.assert(
      fc.asyncProperty(session, (actions) => play(actions, {})),
      { numRuns: 30 },
    );
    const rssBefore = await rss();
    const before = await metrics();
    const tally: Tally = {};

    await fc.assert(
      fc.asyncProperty(session, async (actions) => {
        await play(actions, tally);
      }),
      { numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(25_000, { failOnInterrupt: true })] },
    );
    await expectBystandersServed();

    // Everything the fuzzing opened is gone again (closing is asynchronous on the server).
    for (let i = 0; i < 100 && (await health()).connections > 2; i++) await sleep(20);
    expect(await health()).toMatchObject({ connections: 2, mailboxes: 1, waiting: 0 });
    expect(server.child.exitCode).toBeNull();

    const after = await metrics();
    const growth = (await rss()) - rssBefore;
    expect(growth, `RSS grew by ${Math.round(growth / 2 ** 20)} MiB`).toBeLessThan(64 * 2 ** 20);
    expect(metricSample(after, 'nodejs_heap_size_used_bytes')).toBeLessThan(256 * 2 ** 20);

    // Every rejection the clients saw was counted under its reason (and no other).
    const exact = ['frame_too_large', 'invalid_frame', 'protocol_mismatch', 'frame_rate'] as const;
    for (const reason of exact) {
      expect(rejected(after, reason) - rejected(before, reason), reason).toBe(tally[reason] ?? 0);
    }
    // A flood before hello earns some HELLO_REQUIRED answers the model does not count.
    expect(
      rejected(after, 'hello_required') - rejected(before, 'hello_required'),
    ).toBeGreaterThanOrEqual(tally.hello_required ?? 0);
    for (const reason of ['store_error', 'ip_frame_rate', 'ip_connections'] as const) {
      expect(rejected(after, reason), reason).toBe(0);
    }
  }, 40_000);

  it('survives many abusive connections at once while a pair on it keeps relaying', async () => {
    const rssBefore = await rss();
    const kinds = [
      {
        code: CloseCode.RATE_LIMITED,
        data: encodeFrame({ type: 'release', mood: 'happy' }),
        times: 200,
      },
      { code: CloseCode.INVALID_FRAME, data: '{"type":"relay","body":"not base64!"}', times: 1 },
      { code: CloseCode.FRAME_TOO_LARGE, data: 'x'.repeat(MAX_FRAME_BYTES * 2), times: 3 },
      { code: MESSAGE_TOO_BIG, data: 'x'.repeat(MAX_FRAME_BYTES * 6), times: 3 },
    ];
    for (let round = 0; round < 3; round++) {
      const clients = await Promise.all(
        Array.from({ length: 40 }, () => TestClient.ready(server.wsUrl, nextAddress())),
      );
      clients.forEach((client, i) => {
        const kind = kinds[i % kinds.length]!;
        for (let n = 0; n < kind.times; n++) client.sendRaw(kind.data);
      });
      await expectBystandersServed();
      const closes = await withTimeout(
        Promise.all(clients.map((client) => client.closed)),
        5000,
        'every abusive connection to be closed',
      );
      closes.forEach((close, i) => expect(close.code).toBe(kinds[i % kinds.length]!.code));
    }
    await expectBystandersServed();
    for (let i = 0; i < 100 && (await health()).connections > 2; i++) await sleep(20);
    expect(await health()).toMatchObject({ connections: 2, mailboxes: 1 });
    expect((await rss()) - rssBefore).toBeLessThan(64 * 2 ** 20);
    expect(server.child.exitCode).toBeNull();
  });
});
