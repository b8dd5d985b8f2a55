/**
 * Messages the two peers exchange inside the sealed channel (after the PAKE): WebRTC offers,
 * answers and ICE candidates. They arrive from the network, so they are `unknown` until
 * `decodePeerSignal` accepts them.
 */
import { z } from 'zod';
import { cleanDeviceName } from './device-name.js';
import { MAX_TITLE_CHARS, MAX_URL_CHARS } from './links.js';

const MAX_SDP_CHARS = 32_000;
export const MAX_DEVICE_NAME_CHARS = 60;

/** What a session is for: a text chat, files, or a live tab. */
export const SessionKind = z.enum(['chat', 'files', 'tab']);
export type SessionKind = z.infer<typeof SessionKind>;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const Generation = z.number().int().min(0).max(10_000).default(0);
/**
 * Paired devices run one session after another over one long-lived sealed signaling: each session's
 * signals carry its id, so a late goodbye of the last session cannot end the next one.
 */
const SessionId = z.string().max(64).default('');
export const ByeReason = z.enum(['CONNECTION_FAILED', 'BUSY', 'RATE_LIMITED', 'REFUSED']);
export type ByeReason = z.infer<typeof ByeReason>;
/** Why a receiver refused a link (the sender shows it): too many at once, or not http(s). */
export const LinkRefusedReason = z.enum(['RATE_LIMITED', 'BAD_LINK']);
export type LinkRefusedReason = z.infer<typeof LinkRefusedReason>;
const Description = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1).max(MAX_SDP_CHARS),
});
const Candidate = z.strictObject({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
/** An ICE candidate as it travels in a sealed signal. */
export type CandidateSignal = z.infer<typeof Candidate>;

export const PeerSignal = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('description'),
    /** Which peer connection of the session this is for (a reconnect makes a new one). */
    gen: Generation,
    sid: SessionId,
    description: Description,
  }),
  z.strictObject({
    t: z.literal('candidate'),
    gen: Generation,
    sid: SessionId,
    candidate: Candidate,
  }),
  /**
   * Tab share (intent 'tab'): the media connection's offer (sharer) and answer (viewer), and
   * its candidates. Kinds of their own: the media connection is not the session's data link,
   * and a viewer page, not the session, owns it (PROTOCOL.md, "Tab share").
   */
  z.strictObject({ t: z.literal('tab-description'), description: Description }),
  z.strictObject({ t: z.literal('tab-candidate'), candidate: Candidate }),
  /**
   * The session ends (`reason`: why, when it ends before it was open). A paired device's
   * `connect` refused is answered with `bye` for its sid: BUSY (a session runs here),
   * RATE_LIMITED (it asked too often), REFUSED (a kind the app does not start this way).
   */
  z.strictObject({
    t: z.literal('bye'),
    sid: SessionId,
    reason: ByeReason.optional(),
  }),
  /** Sent first by both sides after the PAKE: who I am, for "remember this device". */
  z.strictObject({
    t: z.literal('identity'),
    // Cleaned on arrival like our own name, so a peer cannot disguise itself when shown.
    name: z.string().max(MAX_DEVICE_NAME_CHARS).transform(cleanDeviceName).pipe(z.string().min(1)),
    publicKey: z.string().min(1).max(400).regex(BASE64URL),
  }),
  /** Paired devices: my signature over deviceAuthChallenge(sessionKey, my role). */
  z.strictObject({
    t: z.literal('device-auth'),
    signature: z.string().min(1).max(200).regex(BASE64URL),
  }),
  /** Sent by the side that started the session, after identities: what it offers. */
  z.strictObject({ t: z.literal('intent'), kind: SessionKind }),
  /** Paired devices: open a peer-to-peer session now. */
  z.strictObject({ t: z.literal('connect'), kind: SessionKind, sid: z.string().min(1).max(64) }),
  /** Paired devices: a link to show (and open on a click). Checked again on arrival. */
  z.strictObject({
    t: z.literal('link'),
    id: z.string().min(1).max(64),
    url: z.string().min(1).max(MAX_URL_CHARS),
    title: z.string().max(MAX_TITLE_CHARS),
  }),
  /** The link arrived (and is shown), or, with `refused`, was refused: why. */
  z.strictObject({
    t: z.literal('link-ack'),
    id: z.string().min(1).max(64),
    refused: LinkRefusedReason.optional(),
  }),
  /** Paired devices: this side forgot the pairing; forget it too. */
  z.strictObject({ t: z.literal('unpair') }),
  /** Tells the peer why this side gave up (e.g. it received a frame that failed to open). */
  z.strictObject({ t: z.literal('abort'), code: z.enum(['TAMPERED', 'CONNECTION_FAILED']) }),
]);
export type PeerSignal = z.infer<typeof PeerSignal>;
/** What a sender may write: fields with defaults (the connection generation) may be left out. */
export type PeerSignalInput = z.input<typeof PeerSignal>;

export function decodePeerSignal(value: unknown): PeerSignal | undefined {
  const result = PeerSignal.safeParse(value);
  return result.success ? result.data : undefined;
}
