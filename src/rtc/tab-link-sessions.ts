/**
 * Meeting over a tab share's stable link (src/core/tab-share-link.ts). Both sides join the
 * link's mailbox and run the PAKE with the link's secret (the sharer as A); then both move to
 * a mailbox of this viewer's own, derived from that session key, and run the PAKE again there
 * with a password derived from it. The link's mailbox holds two parties, so it is free again
 * as soon as the viewer is through: the sharer joins it anew for the next viewer.
 */
import { PeerbeamError } from '../core/errors.js';
import type { IceServer } from '../core/protocol.js';
import { linkMailboxId, linkViewerMeeting } from '../core/tab-share-link.js';
import type { Established } from './established.js';
import { establishSealedSignaling, type SealedSignaling } from './sealed-signaling.js';
import { SignalingConnection } from './signaling-client.js';

/**
 * A viewer that finds the link's mailbox busy (another viewer's handshake), or empty (the
 * sharer is between two viewers), tries again after these pauses (jittered).
 */
const RETRY_MS = [300, 600, 1_000, 1_500, 2_000, 2_000, 2_000, 2_000];
/** How long a viewer alone in the link's mailbox waits for the sharer before trying again. */
const ALONE_WAIT_MS = 2_000;
/** Nobody answered at the link for this long: it is off (or the share ended). */
export const LINK_ANSWER_TIMEOUT_MS = 10_000;
/** The second meeting, in the viewer's own mailbox, must come about within this. */
const MOVE_TIMEOUT_MS = 15_000;

interface Met {
  connection: SignalingConnection;
  sealed: SealedSignaling;
  iceServers: IceServer[];
}

/**
 * Joins `mailbox`, waits for the other side (within `waitMs`, if given), and runs the PAKE.
 * Closes the connection on any failure.
 */
async function meet(
  signalingUrl: string,
  mailbox: string,
  password: string,
  role: 'A' | 'B',
  signal: AbortSignal,
  hooks: { waitMs?: number; paired?: () => void } = {},
): Promise<Met> {
  const connection = await SignalingConnection.open(signalingUrl, signal);
  try {
    connection.send({ type: 'join', mailbox });
    await connection.expect('joined', signal);
    const wait =
      hooks.waitMs === undefined
        ? signal
        : AbortSignal.any([signal, AbortSignal.timeout(hooks.waitMs)]);
    let iceServers: IceServer[];
    for (;;) {
      let frame;
      try {
        frame = await connection.next(wait);
      } catch (error) {
        if (!signal.aborted && wait.aborted) {
          throw new PeerbeamError('TIMEOUT', 'nobody answered in the mailbox');
        }
        throw error;
      }
      if (frame.type === 'paired') {
        iceServers = frame.iceServers;
        break;
      }
    }
    hooks.paired?.();
    const sealed = await establishSealedSignaling(connection, {
      role,
      password,
      context: mailbox,
      signal,
    });
    return { connection, sealed, iceServers };
  } catch (error) {
    connection.close();
    throw error;
  }
}

function leave(connection: SignalingConnection): void {
  try {
    connection.send({ type: 'release', mood: 'happy' });
  } catch {
    // Already closed.
  }
  connection.close();
}

/** From the PAKE in the link's mailbox to the sealed signaling in the viewer's own. */
async function move(
  signalingUrl: string,
  first: Met,
  role: 'A' | 'B',
  signal: AbortSignal,
): Promise<Established> {
  const { mailbox, password } = linkViewerMeeting(first.sealed.keys.sessionKey);
  // Both sides finished the PAKE, so the last relay frame was sent before this release: the
  // link's mailbox is free for the next viewer now.
  leave(first.connection);

  const own = await meet(signalingUrl, mailbox, password, role, signal, {
    waitMs: MOVE_TIMEOUT_MS,
  });
  return {
    sealed: own.sealed,
    iceServers: own.iceServers,
    release: (mood) => {
      try {
        own.connection.send({ type: 'release', mood });
      } catch {
        // Already closed.
      }
      own.connection.close();
    },
  };
}

/**
 * The sharer's side: waits in the link's mailbox for one viewer (`arrived` once the server
 * pairs it), runs the PAKE, and hands over once both sides are in the viewer's own mailbox.
 * `handshaken` is called as soon as the link's PAKE is done: the link is free for the next one.
 */
export async function awaitLinkViewer(
  signalingUrl: string,
  secret: string,
  signal: AbortSignal,
  hooks: { arrived: () => void; handshaken: () => void },
): Promise<Established> {
  const first = await meet(signalingUrl, linkMailboxId(secret), secret, 'A', signal, {
    paired: hooks.arrived,
  });
  const moving = move(signalingUrl, first, 'A', signal);
  hooks.handshaken();
  return moving;
}

/**
 * The viewer's side. A busy link (another viewer in its handshake) is tried again with a short
 * backoff, bounded; nobody answering within LINK_ANSWER_TIMEOUT_MS is `LINK_OFF`: the sharer
 * turned the link off, or stopped.
 */
export async function joinByLink(
  signalingUrl: string,
  secret: string,
  signal: AbortSignal,
  paired: () => void,
): Promise<Established | 'link-off'> {
  const mailbox = linkMailboxId(secret);
  const deadline = Date.now() + LINK_ANSWER_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    let first: Met;
    try {
      first = await meet(signalingUrl, mailbox, secret, 'B', signal, {
        waitMs: Math.max(0, Math.min(ALONE_WAIT_MS, deadline - Date.now())),
        paired,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      const code = error instanceof PeerbeamError ? error.code : undefined;
      const answered = code !== 'TIMEOUT';
      if (!answered && Date.now() >= deadline) return 'link-off';
      // Alone, busy, or two viewers met each other instead of the sharer: try again.
      const retry =
        !answered || code === 'CODE_IN_USE' || code === 'CODE_MISMATCH' || code === 'PEER_LEFT';
      const delay = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
      if (!retry || attempt >= 3 * RETRY_MS.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() / 2)));
      continue;
    }
    return move(signalingUrl, first, 'B', signal);
  }
}
