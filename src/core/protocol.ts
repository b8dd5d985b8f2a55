/**
 * The signaling wire protocol, shared by the extension, the web receiver and the signaling
 * server. Pure: no chrome.*, no DOM, no Node APIs.
 *
 * Every frame is one JSON text message. Anything that arrives from the network is `unknown`
 * until `decodeClientFrame` / `decodeServerFrame` accepts it.
 *
 *   client A                       server                          client B
 *     | hello{v}                     |                     hello{v} |
 *     |----------------------------->|<-----------------------------|
 *     |        welcome{v, maxFrameBytes} (to each)                  |
 *     | allocate                     |                              |
 *     |----------------------------->|                              |
 *     |<----------- allocated{nameplate}                            |
 *     |                              |<------------ claim{nameplate}|
 *     |                              |------------> claimed{nameplate}
 *     |<--------- paired{iceServers} | paired{iceServers} --------->|
 *     | relay{body}  (opaque, sealed end to end by the clients)     |
 *     |<=============================|=============================>|
 *     | release{mood}                | peer{left, mood}             |
 *     |----------------------------->|----------------------------->|
 *
 * Paired devices use join{mailbox} → joined{peerPresent} instead of allocate/claim.
 * `peer{left}` without a mood means the other side disconnected. Frames over 4× the frame
 * limit are cut off by the WebSocket layer with 1009, which means the same as FRAME_TOO_LARGE.
 */
import { z } from 'zod';

/**
 * Bumped on any incompatible change; a mismatch closes with CloseCode.PROTOCOL_MISMATCH.
 * 2: a paired device may answer `connect` with `bye{BUSY | RATE_LIMITED | REFUSED}` and refuse
 * a link (`link-ack{refused}`), which version 1 would read as tampering.
 * 3: a receiver that has too little room refuses an offer with `cancel{noRoom}` (the bytes it
 * can take, so the sender can say why), which version 2 would read as tampering.
 */
export const PROTOCOL_VERSION = 3;

/** WebSocket close codes (4000–4999 are for applications, RFC 6455 §7.4.2). */
export const CloseCode = {
  PROTOCOL_MISMATCH: 4000,
  INVALID_FRAME: 4001,
  FRAME_TOO_LARGE: 4002,
  RATE_LIMITED: 4003,
  HEARTBEAT_TIMEOUT: 4004,
  HELLO_TIMEOUT: 4005,
  MAILBOX_EXPIRED: 4006,
  TOO_MANY_CONNECTIONS: 4007,
  SERVER_SHUTTING_DOWN: 4008,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Human-readable reasons sent with each close code (a close reason is at most 123 bytes). */
export const CLOSE_REASONS: Record<CloseCode, string> = {
  [CloseCode.PROTOCOL_MISMATCH]: `protocol version mismatch: server speaks v${PROTOCOL_VERSION}`,
  [CloseCode.INVALID_FRAME]: 'invalid frame: not JSON or not a known message',
  [CloseCode.FRAME_TOO_LARGE]: 'frame too large',
  [CloseCode.RATE_LIMITED]: 'too many frames: slow down',
  [CloseCode.HEARTBEAT_TIMEOUT]: 'no heartbeat from client',
  [CloseCode.HELLO_TIMEOUT]: 'no hello within the allowed time',
  [CloseCode.MAILBOX_EXPIRED]: 'mailbox expired',
  [CloseCode.TOO_MANY_CONNECTIONS]: 'too many connections from this address',
  [CloseCode.SERVER_SHUTTING_DOWN]: 'server restarting: reconnect',
};

/** Errors answered as frames: the socket stays open so the user can correct and retry. */
export const SignalingErrorCode = {
  NO_SUCH_NAMEPLATE: 'NO_SUCH_NAMEPLATE',
  MAILBOX_FULL: 'MAILBOX_FULL',
  ALREADY_IN_MAILBOX: 'ALREADY_IN_MAILBOX',
  NOT_IN_MAILBOX: 'NOT_IN_MAILBOX',
  NO_PEER: 'NO_PEER',
  HELLO_REQUIRED: 'HELLO_REQUIRED',
  RATE_LIMITED: 'RATE_LIMITED',
  NAMEPLATES_EXHAUSTED: 'NAMEPLATES_EXHAUSTED',
} as const;
export type SignalingErrorCode = (typeof SignalingErrorCode)[keyof typeof SignalingErrorCode];

/** Nameplates are short decimal numbers, so codes are easy to read aloud. */
export const NAMEPLATE_PATTERN = /^[1-9][0-9]{0,5}$/;
/** Mailbox ids for paired devices: 32 bytes derived from the pairing, hex encoded. */
export const MAILBOX_ID_PATTERN = /^[0-9a-f]{64}$/;
/** Relay bodies are base64url (sealed envelopes); their length is capped by the frame size. */
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

/** How a side leaves a mailbox. 'scary' (key confirmation failed) burns the nameplate. */
export const Mood = z.enum(['happy', 'lonely', 'errory', 'scary']);
export type Mood = z.infer<typeof Mood>;

const Nameplate = z.string().regex(NAMEPLATE_PATTERN);

export const ClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), v: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('allocate') }),
  z.strictObject({ type: z.literal('claim'), nameplate: Nameplate }),
  z.strictObject({ type: z.literal('join'), mailbox: z.string().regex(MAILBOX_ID_PATTERN) }),
  z.strictObject({ type: z.literal('relay'), body: z.string().min(1).regex(BASE64URL_PATTERN) }),
  z.strictObject({ type: z.literal('release'), mood: Mood }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const IceServer = z.strictObject({
  urls: z.array(z.string().max(512)).min(1).max(8),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('welcome'),
    v: z.number().int(),
    maxFrameBytes: z.number().int().positive(),
  }),
  z.strictObject({ type: z.literal('allocated'), nameplate: Nameplate }),
  z.strictObject({ type: z.literal('claimed'), nameplate: Nameplate }),
  z.strictObject({ type: z.literal('joined'), peerPresent: z.boolean() }),
  /** Sent once both sides are in the mailbox; carries ICE servers (with short-lived TURN
   * credentials) only to clients that hold a session. `turn: 'withheld'`: TURN is configured,
   * but this paired-device session got STUN only (its address spent its TURN budget). */
  z.strictObject({
    type: z.literal('paired'),
    iceServers: z.array(IceServer).max(8),
    turn: z.enum(['withheld']).optional(),
  }),
  z.strictObject({
    type: z.literal('peer'),
    event: z.enum(['left']),
    mood: Mood.optional(),
  }),
  z.strictObject({ type: z.literal('relay'), body: z.string().min(1).regex(BASE64URL_PATTERN) }),
  z.strictObject({
    type: z.literal('error'),
    code: z.enum(
      Object.values(SignalingErrorCode) as [SignalingErrorCode, ...SignalingErrorCode[]],
    ),
    message: z.string().max(200),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

export type DecodeResult<T> = { ok: true; frame: T } | { ok: false; error: string };

function decode<T>(schema: z.ZodType<T>, raw: string): DecodeResult<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      error: issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'invalid',
    };
  }
  return { ok: true, frame: result.data };
}

export const decodeClientFrame = (raw: string): DecodeResult<ClientFrame> =>
  decode(ClientFrame, raw);
export const decodeServerFrame = (raw: string): DecodeResult<ServerFrame> =>
  decode(ServerFrame, raw);

export const encodeFrame = (frame: ClientFrame | ServerFrame): string => JSON.stringify(frame);
