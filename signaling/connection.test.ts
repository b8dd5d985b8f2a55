import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION, type ClientFrame } from '../src/core/protocol.js';
import {
  INITIAL_STATE,
  INTERNAL_ERROR,
  errorFrame,
  heldMailbox,
  isEnding,
  transition,
  type ConnectionEffect,
  type ConnectionInput,
  type ConnectionState,
} from './connection.js';
import type { MailboxEvent } from './mailboxes.js';

const AWAITING_HELLO: ConnectionState = { step: 'awaiting-hello' };
const IDLE: ConnectionState = { step: 'idle' };
const ALLOCATED: ConnectionState = { step: 'in-mailbox', mailbox: 'nameplate' };
const JOINED_ALONE: ConnectionState = { step: 'in-mailbox', mailbox: 'device' };
const PAIRED_BY_CODE: ConnectionState = { step: 'paired', mailbox: 'nameplate' };
const PAIRED_DEVICE: ConnectionState = { step: 'paired', mailbox: 'device' };
const CLOSING: ConnectionState = { step: 'closing', mailbox: null };
const CLOSING_IN_NAMEPLATE: ConnectionState = { step: 'closing', mailbox: 'nameplate' };
const CLOSING_IN_DEVICE: ConnectionState = { step: 'closing', mailbox: 'device' };
const CLOSED: ConnectionState = { step: 'closed' };

const AT = 12.5;
const frame = (value: ClientFrame): ConnectionInput => ({
  type: 'frame',
  frame: value,
  receivedAt: AT,
});
const event = (value: MailboxEvent): ConnectionInput => ({
  type: 'mailbox',
  event: value,
});
const NAMEPLATE = '42';

type Row = [
  behaviour: string,
  state: ConnectionState,
  input: ConnectionInput,
  next: ConnectionState,
  effects: ConnectionEffect[],
];

const TABLE: Row[] = [
  // The hello handshake.
  [
    'welcomes a hello of our version',
    AWAITING_HELLO,
    frame({ type: 'hello', v: PROTOCOL_VERSION }),
    IDLE,
    [{ type: 'welcome' }],
  ],
  [
    'closes with 4000 on a hello of another version',
    AWAITING_HELLO,
    frame({ type: 'hello', v: PROTOCOL_VERSION + 1 }),
    CLOSING,
    [
      { type: 'reject', reason: 'protocol_mismatch' },
      { type: 'close', code: CloseCode.PROTOCOL_MISMATCH },
    ],
  ],
  [
    'answers HELLO_REQUIRED to a frame before hello, and keeps waiting for it',
    AWAITING_HELLO,
    frame({ type: 'allocate' }),
    AWAITING_HELLO,
    [
      { type: 'reject', reason: 'hello_required' },
      { type: 'send', frame: errorFrame('HELLO_REQUIRED') },
    ],
  ],
  [
    'closes with 4005 when no hello came in time',
    AWAITING_HELLO,
    { type: 'hello-timeout' },
    CLOSING,
    [
      { type: 'reject', reason: 'hello_timeout' },
      { type: 'close', code: CloseCode.HELLO_TIMEOUT },
    ],
  ],
  ['ignores the hello timer once hello came', IDLE, { type: 'hello-timeout' }, IDLE, []],
  [
    'closes with 4001 on a second hello',
    PAIRED_BY_CODE,
    frame({ type: 'hello', v: PROTOCOL_VERSION }),
    CLOSING_IN_NAMEPLATE,
    [
      { type: 'reject', reason: 'invalid_frame' },
      { type: 'close', code: CloseCode.INVALID_FRAME },
    ],
  ],
  // Frames go to the store; its answers move the connection.
  [
    'hands a frame after hello to the store',
    IDLE,
    frame({ type: 'claim', nameplate: NAMEPLATE }),
    IDLE,
    [{ type: 'handle', frame: { type: 'claim', nameplate: NAMEPLATE }, receivedAt: AT }],
  ],
  [
    'enters a nameplate mailbox alone on allocated',
    IDLE,
    { type: 'allocated', nameplate: NAMEPLATE },
    ALLOCATED,
    [{ type: 'send', frame: { type: 'allocated', nameplate: NAMEPLATE } }],
  ],
  [
    'pairs at once on claimed, and counts the pairing',
    IDLE,
    { type: 'claimed', nameplate: NAMEPLATE },
    PAIRED_BY_CODE,
    [
      { type: 'count-pairing' },
      { type: 'send', frame: { type: 'claimed', nameplate: NAMEPLATE } },
      { type: 'pair', mailbox: 'nameplate' },
    ],
  ],
  [
    'waits in a paired-device mailbox joined alone',
    IDLE,
    { type: 'joined', peerPresent: false },
    JOINED_ALONE,
    [{ type: 'send', frame: { type: 'joined', peerPresent: false } }],
  ],
  [
    'pairs on a join that finds the peer',
    IDLE,
    { type: 'joined', peerPresent: true },
    PAIRED_DEVICE,
    [
      { type: 'send', frame: { type: 'joined', peerPresent: true } },
      { type: 'count-pairing' },
      { type: 'pair', mailbox: 'device' },
    ],
  ],
  [
    'pairs the allocator when its nameplate is claimed',
    ALLOCATED,
    event({ type: 'paired' }),
    PAIRED_BY_CODE,
    [{ type: 'pair', mailbox: 'nameplate' }],
  ],
  [
    'pairs a lone paired device when its peer joins',
    JOINED_ALONE,
    event({ type: 'paired' }),
    PAIRED_DEVICE,
    [{ type: 'pair', mailbox: 'device' }],
  ],
  [
    'pairs a connection the server knows in no mailbox as not paired by code (TURN budget)',
    IDLE,
    event({ type: 'paired' }),
    IDLE,
    [{ type: 'pair', mailbox: null }],
  ],
  [
    'keeps the mailbox it is in when the store lets it in again (the store refuses that)',
    ALLOCATED,
    { type: 'allocated', nameplate: '7' },
    ALLOCATED,
    [{ type: 'send', frame: { type: 'allocated', nameplate: '7' } }],
  ],
  [
    'passes a relay on from the peer',
    PAIRED_DEVICE,
    event({ type: 'relay', body: 'aGk' }),
    PAIRED_DEVICE,
    [{ type: 'send', frame: { type: 'relay', body: 'aGk' } }],
  ],
  [
    'counts a relay the store handed on',
    PAIRED_BY_CODE,
    { type: 'relayed', receivedAt: AT },
    PAIRED_BY_CODE,
    [{ type: 'count-relay', receivedAt: AT }],
  ],
  [
    'leaves a nameplate mailbox when the peer leaves: it is closed for good, mood told',
    PAIRED_BY_CODE,
    event({ type: 'peer-left', mood: 'happy' }),
    IDLE,
    [{ type: 'send', frame: { type: 'peer', event: 'left', mood: 'happy' } }],
  ],
  [
    'waits on in a paired-device mailbox when the peer disconnects',
    PAIRED_DEVICE,
    event({ type: 'peer-left', mood: undefined }),
    JOINED_ALONE,
    [{ type: 'send', frame: { type: 'peer', event: 'left' } }],
  ],
  ['is out of its mailbox once released', PAIRED_DEVICE, { type: 'released' }, IDLE, []],
  [
    'answers a store refusal with its code, and stays',
    IDLE,
    { type: 'failed', code: 'NO_SUCH_NAMEPLATE' },
    IDLE,
    [{ type: 'send', frame: errorFrame('NO_SUCH_NAMEPLATE') }],
  ],
  [
    'answers RATE_LIMITED to a refused entry, counted under its budget',
    IDLE,
    { type: 'refused', reason: 'claim_rate' },
    IDLE,
    [
      { type: 'reject', reason: 'claim_rate' },
      { type: 'send', frame: errorFrame('RATE_LIMITED') },
    ],
  ],
  // Every way to close.
  [
    'closes with 4006 when the mailbox expires, out of it',
    ALLOCATED,
    event({ type: 'expired' }),
    CLOSING,
    [{ type: 'close', code: CloseCode.MAILBOX_EXPIRED }],
  ],
  [
    'closes with the code of a failed frame check, holding its mailbox until the socket ends',
    PAIRED_BY_CODE,
    { type: 'violation', reason: 'frame_rate', code: CloseCode.RATE_LIMITED },
    CLOSING_IN_NAMEPLATE,
    [
      { type: 'reject', reason: 'frame_rate' },
      { type: 'close', code: CloseCode.RATE_LIMITED },
    ],
  ],
  [
    'closes with 1011 when the store fails, counted as store_error',
    PAIRED_DEVICE,
    { type: 'store-failed' },
    CLOSING_IN_DEVICE,
    [{ type: 'count-store-error' }, { type: 'close', code: INTERNAL_ERROR }],
  ],
  [
    'closes with 1011 when a frame to the client cannot be made',
    IDLE,
    { type: 'internal-error' },
    CLOSING,
    [{ type: 'close', code: INTERNAL_ERROR }],
  ],
  [
    'drops a client that stops reading, without a close frame',
    PAIRED_BY_CODE,
    { type: 'slow-consumer' },
    CLOSING_IN_NAMEPLATE,
    [{ type: 'reject', reason: 'slow_consumer' }, { type: 'drop' }],
  ],
  [
    'closes with 4008 on shutdown, not as a rejection',
    PAIRED_DEVICE,
    { type: 'shutdown' },
    CLOSING_IN_DEVICE,
    [{ type: 'close', code: CloseCode.SERVER_SHUTTING_DOWN }],
  ],
  [
    'holds nothing once the socket has closed',
    CLOSING_IN_NAMEPLATE,
    { type: 'socket-closed' },
    CLOSED,
    [],
  ],
  [
    'holds nothing when the socket closes abruptly',
    PAIRED_DEVICE,
    { type: 'socket-closed' },
    CLOSED,
    [],
  ],
  // Closing: nothing more is sent or closed, but the mailbox it holds is still tracked.
  ['closes only once', CLOSING_IN_DEVICE, { type: 'shutdown' }, CLOSING_IN_DEVICE, []],
  [
    'ignores a failed check once closing',
    CLOSING,
    { type: 'violation', reason: 'invalid_frame', code: CloseCode.INVALID_FRAME },
    CLOSING,
    [],
  ],
  ['counts no store error once closing', CLOSING, { type: 'store-failed' }, CLOSING, []],
  [
    'holds the mailbox a frame queued before the close entered, sending nothing',
    CLOSING,
    { type: 'claimed', nameplate: NAMEPLATE },
    CLOSING_IN_NAMEPLATE,
    [{ type: 'count-pairing' }],
  ],
  [
    'still counts a refused entry once closing, without answering',
    CLOSING,
    { type: 'refused', reason: 'allocation_rate' },
    CLOSING,
    [{ type: 'reject', reason: 'allocation_rate' }],
  ],
  [
    'lets go of its mailbox on release while closing',
    CLOSING_IN_DEVICE,
    { type: 'released' },
    CLOSING,
    [],
  ],
  [
    'lets go of a nameplate mailbox whose peer left while closing',
    CLOSING_IN_NAMEPLATE,
    event({ type: 'peer-left', mood: 'scary' }),
    CLOSING,
    [],
  ],
  [
    'keeps a paired-device mailbox whose peer left while closing',
    CLOSING_IN_DEVICE,
    event({ type: 'peer-left', mood: undefined }),
    CLOSING_IN_DEVICE,
    [],
  ],
  [
    'sends no paired frame once closing',
    CLOSING_IN_DEVICE,
    event({ type: 'paired' }),
    CLOSING_IN_DEVICE,
    [],
  ],
  [
    'is out of an expired mailbox while closing',
    CLOSING_IN_NAMEPLATE,
    event({ type: 'expired' }),
    CLOSING,
    [],
  ],
  [
    'enters nothing once the socket is gone, but counts the pairing it made',
    CLOSED,
    { type: 'claimed', nameplate: NAMEPLATE },
    CLOSED,
    [{ type: 'count-pairing' }],
  ],
  ['reads no frame once closed', CLOSED, frame({ type: 'allocate' }), CLOSED, []],
];

describe('connection state machine', () => {
  it.each(TABLE)('%s', (_behaviour, state, input, next, effects) => {
    expect(transition(state, input)).toEqual({ state: next, effects });
  });

  it('starts awaiting hello, in no mailbox', () => {
    expect(INITIAL_STATE).toEqual(AWAITING_HELLO);
    expect(heldMailbox(INITIAL_STATE)).toBeNull();
    expect(isEnding(INITIAL_STATE)).toBe(false);
  });

  const anyInput = fc.constantFrom<ConnectionInput>(
    ...new Map(TABLE.map(([, , input]) => [JSON.stringify(input), input])).values(),
  );

  it('never sends, closes again or pairs once closing, whatever happens next', () => {
    fc.assert(
      fc.property(fc.array(anyInput, { maxLength: 30 }), (inputs) => {
        let state: ConnectionState = INITIAL_STATE;
        for (const input of inputs) {
          const wasEnding = isEnding(state);
          const result = transition(state, input);
          if (wasEnding) {
            expect(isEnding(result.state)).toBe(true);
            for (const effect of result.effects) {
              expect(['send', 'welcome', 'pair', 'close', 'drop', 'handle']).not.toContain(
                effect.type,
              );
            }
          }
          state = result.state;
        }
      }),
    );
  });
});
