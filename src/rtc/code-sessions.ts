/**
 * How a session by code comes about: the sender allocates a nameplate and shows the code, the
 * receiver claims it; both then run the PAKE with the code's words.
 */
import { formatCode, generatePassword, parseCode } from '../core/code.js';
import { PeerbeamError } from '../core/errors.js';
import { SignalingConnection } from './signaling-client.js';
import { establishSealedSignaling } from './sealed-signaling.js';
import type { EstablishContext, Established } from './established.js';

function releaseBy(connection: SignalingConnection): Established['release'] {
  return (mood) => {
    try {
      connection.send({ type: 'release', mood });
    } catch {
      // Already closed.
    }
    connection.close();
  };
}

/**
 * The part both sides share: on a connection that just reached its mailbox, wait for the
 * peer, run the PAKE with the code's words, and hand over the sealed signaling. Closes the
 * connection on any failure.
 */
async function sealByCode(
  connection: SignalingConnection,
  role: 'A' | 'B',
  nameplate: string,
  words: readonly string[],
  { signal, setStep }: EstablishContext,
): Promise<Established> {
  try {
    const { iceServers } = await connection.expect('paired', signal);
    setStep('handshaking');
    const sealed = await establishSealedSignaling(connection, {
      role,
      password: words.join('-'),
      context: nameplate,
      signal,
    });
    return { sealed, iceServers, release: releaseBy(connection) };
  } catch (error) {
    connection.close();
    throw error;
  }
}

export function sendByCode(signalingUrl: string) {
  return async (context: EstablishContext): Promise<Established> => {
    const { signal, setStep, showCode } = context;
    setStep('connecting');
    const connection = await SignalingConnection.open(signalingUrl, signal);
    let nameplate: string;
    let words: readonly [string, string];
    try {
      connection.send({ type: 'allocate' });
      ({ nameplate } = await connection.expect('allocated', signal));
      words = generatePassword();
    } catch (error) {
      connection.close();
      throw error;
    }
    showCode(formatCode({ nameplate, words }));
    setStep('waiting-for-peer');
    return sealByCode(connection, 'A', nameplate, words, context);
  };
}

export function receiveByCode(signalingUrl: string, code: string) {
  return async (context: EstablishContext): Promise<Established> => {
    // Checked before connecting: a typo must not spend the code's one guess.
    const parsed = parseCode(code);
    if (!parsed.ok) throw new PeerbeamError('CODE_INVALID', parsed.error.message);
    const { nameplate, words } = parsed.code;
    context.setStep('connecting');
    const connection = await SignalingConnection.open(signalingUrl, context.signal);
    try {
      connection.send({ type: 'claim', nameplate });
      await connection.expect('claimed', context.signal);
    } catch (error) {
      connection.close();
      throw error;
    }
    return sealByCode(connection, 'B', nameplate, words, context);
  };
}
