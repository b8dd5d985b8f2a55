/**
 * The watching side of a tab share: an RTCPeerConnection that only receives (side B answers
 * the sharer's offer). Shared by the extension's viewer page and the no-install web viewer;
 * no chrome.* here. Signals go out through `sendSignal`; teardown is tied to an AbortSignal.
 */
import { PeerbeamError } from '../core/errors.js';
import type { SelectedPair } from '../core/ice-path.js';
import type { PeerSignalInput } from '../core/peer-signal.js';
import type { ViewerSignal } from '../core/tab-share-view.js';
import { CandidateExchange, selectedPairOf, watchConnection } from '../rtc/ice-candidates.js';

const CONNECT_TIMEOUT_MS = 20_000;

export interface TabReceiverOptions {
  iceServers: RTCIceServer[];
  sendSignal: (signal: ViewerSignal) => void;
  signal: AbortSignal;
}

export class TabReceiver {
  readonly pc: RTCPeerConnection;
  /** The sharer's stream, once its first track arrived. */
  readonly stream: Promise<MediaStream>;
  /** Resolves once media flows; rejects with CONNECTION_FAILED, or CANCELLED on abort. */
  readonly connected: Promise<void>;
  /** Resolves when the connection fails or closes. */
  readonly lost: Promise<void>;
  private readonly candidates: CandidateExchange;

  constructor(options: TabReceiverOptions) {
    const { signal } = options;
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers });
    this.candidates = new CandidateExchange(
      this.pc,
      (candidate) => options.sendSignal({ t: 'tab-candidate', candidate }),
      signal,
    );
    this.sendSignal = options.sendSignal;
    this.stream = new Promise<MediaStream>((resolve) => {
      this.pc.addEventListener(
        'track',
        (event) => resolve(event.streams[0] ?? new MediaStream([event.track])),
        { signal },
      );
    });
    ({ connected: this.connected, lost: this.lost } = watchConnection(
      this.pc,
      signal,
      {
        timeout: 'no path to the sharer was found',
        failed: 'the connection to the sharer failed',
      },
      CONNECT_TIMEOUT_MS,
    ));
    signal.addEventListener('abort', () => this.pc.close(), { once: true });
  }

  private readonly sendSignal: (signal: ViewerSignal) => void;

  /** The sharer's offer (answered at once) and candidates. */
  async handleSignal(signal: PeerSignalInput): Promise<void> {
    if (signal.t === 'tab-description') {
      if (signal.description.type !== 'offer') {
        throw new PeerbeamError('CONNECTION_FAILED', 'the sharer sent an answer');
      }
      await this.pc.setRemoteDescription(signal.description);
      await this.candidates.remoteDescriptionSet();
      await this.pc.setLocalDescription();
      const answer = this.pc.localDescription;
      if (!answer) throw new PeerbeamError('CONNECTION_FAILED', 'no local description');
      this.sendSignal({ t: 'tab-description', description: { type: 'answer', sdp: answer.sdp } });
    } else if (signal.t === 'tab-candidate') {
      await this.candidates.add(signal.candidate);
    }
  }

  async selectedPair(): Promise<SelectedPair | undefined> {
    return selectedPairOf(this.pc);
  }
}
