/**
 * How a session by code comes about: the sender allocates a nameplate and shows the code, the
 * receiver claims it; both then run the PAKE with the code's words.
 */
import { formatCode, generatePassword, parseCode } from '../core/code.js';
import { PeerbeamError } from '../core/errors.js';
import { SignalingConnection } from './signaling-client.js';
import { establishSealedSignaling } from './sealed-signaling.js';
import type { EstablishContext, Established } from './establish.js';

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

export function sendByCode(signalingUrl: string) {
  return async ({ signal, setStep, showCode }: EstablishContext): Promise<Established> => {
    setStep('connecting');
    const connection = await SignalingConnection.open(signalingUrl, signal);
    try {
      connection.send({ type: 'allocate' });
      const { nameplate } = await connection.expect('allocated', signal);
      const words = generatePassword();
      showCode(formatCode({ nameplate, words }));
      setStep('waiting-for-peer');
      const { iceServers } = await connection.expect('paired', signal);
      setStep('handshaking');
      const sealed = await establishSealedSignaling(connection, {
        role: 'A',
        password: words.join('-'),
        context: nameplate,
        signal,
      });
      return { sealed, iceServers, release: releaseBy(connection) };
    } catch (error) {
      connection.close();
      throw error;
    }
  };
}

export function receiveByCode(signalingUrl: string, code: string) {
  return async ({ signal, setStep }: EstablishContext): Promise<Established> => {
    // Checked before connecting: a typo must not spend the code's one guess.
    const parsed = parseCode(code);
    if (!parsed.ok) throw new PeerbeamError('CODE_INVALID', parsed.error.message);
    const { nameplate, words } = parsed.code;
    setStep('connecting');
    const connection = await SignalingConnection.open(signalingUrl, signal);
    try {
      connection.send({ type: 'claim', nameplate });
      await connection.expect('claimed', signal);
      const { iceServers } = await connection.expect('paired', signal);
      setStep('handshaking');
      const sealed = await establishSealedSignaling(connection, {
        role: 'B',
        password: words.join('-'),
        context: nameplate,
        signal,
      });
      return { sealed, iceServers, release: releaseBy(connection) };
    } catch (error) {
      connection.close();
      throw error;
    }
  };
}
