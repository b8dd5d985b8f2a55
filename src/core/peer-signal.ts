/**
 * Messages the two peers exchange inside the sealed channel (after the PAKE): WebRTC offers,
 * answers and ICE candidates. They arrive from the network, so they are `unknown` until
 * `decodePeerSignal` accepts them.
 */
import { z } from 'zod';

const MAX_SDP_CHARS = 32_000;

export const PeerSignal = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('description'),
    description: z.strictObject({
      type: z.enum(['offer', 'answer']),
      sdp: z.string().min(1).max(MAX_SDP_CHARS),
    }),
  }),
  z.strictObject({
    t: z.literal('candidate'),
    candidate: z.strictObject({
      candidate: z.string().max(1024),
      sdpMid: z.string().max(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
      usernameFragment: z.string().max(256).nullable().optional(),
    }),
  }),
  z.strictObject({ t: z.literal('bye') }),
  /** Tells the peer why this side gave up (e.g. it received a frame that failed to open). */
  z.strictObject({ t: z.literal('abort'), code: z.enum(['TAMPERED', 'CONNECTION_FAILED']) }),
]);
export type PeerSignal = z.infer<typeof PeerSignal>;

export function decodePeerSignal(value: unknown): PeerSignal | undefined {
  const result = PeerSignal.safeParse(value);
  return result.success ? result.data : undefined;
}
