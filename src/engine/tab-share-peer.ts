/**
 * One viewer's media connection on the sharing side: an RTCPeerConnection that sends the
 * captured tab's video and audio (sendonly) and offers first (side A). Descriptions and
 * candidates go out through `sendSignal`, which seals them. Teardown is tied to an AbortSignal
 * and safe to repeat.
 */
import { PeerbeamError } from '../core/errors.js';
import type { SelectedPair } from '../core/ice-path.js';
import type { PeerSignal, PeerSignalInput } from '../core/peer-signal.js';
import { preferCodecs } from '../core/tab-codecs.js';
import { videoEncoding, type TabQuality } from '../core/tab-quality.js';
import { CandidateExchange, selectedPairOf, watchConnection } from '../rtc/ice-candidates.js';

const CONNECT_TIMEOUT_MS = 20_000;

export interface TabSenderOptions {
  stream: MediaStream;
  quality: TabQuality;
  iceServers: RTCIceServer[];
  sendSignal(signal: PeerSignalInput): void;
  signal: AbortSignal;
}

export class TabSender {
  readonly pc: RTCPeerConnection;
  /** Resolves once media flows; rejects with CONNECTION_FAILED, or CANCELLED on abort. */
  readonly connected: Promise<void>;
  /** Resolves when the connection is lost or closed (after it was up, or never). */
  readonly lost: Promise<void>;
  private readonly candidates: CandidateExchange;
  private video: RTCRtpSender | undefined;

  constructor(private readonly options: TabSenderOptions) {
    const { signal, stream } = options;
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers });
    this.candidates = new CandidateExchange(
      this.pc,
      (candidate) => options.sendSignal({ t: 'tab-candidate', candidate }),
      signal,
    );
    for (const track of stream.getTracks()) {
      if (track.kind === 'video') {
        const transceiver = this.pc.addTransceiver(track, {
          direction: 'sendonly',
          streams: [stream],
          sendEncodings: [videoEncoding(options.quality)],
        });
        preferVideoCodecs(transceiver);
        this.video = transceiver.sender;
      } else {
        this.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      }
    }
    ({ connected: this.connected, lost: this.lost } = watchConnection(
      this.pc,
      signal,
      {
        timeout: 'the viewer did not connect in time',
        failed: 'the connection to the viewer failed',
      },
      CONNECT_TIMEOUT_MS,
    ));
    signal.addEventListener('abort', () => this.pc.close(), { once: true });
  }

  async offer(): Promise<void> {
    await this.pc.setLocalDescription();
    const description = this.pc.localDescription;
    if (!description) throw new PeerbeamError('CONNECTION_FAILED', 'no local description');
    await this.keepResolution();
    this.options.sendSignal({
      t: 'tab-description',
      description: { type: 'offer', sdp: description.sdp },
    });
  }

  async handleSignal(signal: PeerSignal): Promise<void> {
    if (signal.t === 'tab-description') {
      if (signal.description.type !== 'answer') {
        throw new PeerbeamError('CONNECTION_FAILED', 'the viewer sent an offer');
      }
      await this.pc.setRemoteDescription(signal.description);
      await this.candidates.remoteDescriptionSet();
    } else if (signal.t === 'tab-candidate') {
      await this.candidates.add(signal.candidate);
    }
  }

  async selectedPair(): Promise<SelectedPair | undefined> {
    return selectedPairOf(this.pc);
  }

  /** Under pressure, drop frames before pixels: text must stay readable. */
  private async keepResolution(): Promise<void> {
    const sender = this.video;
    if (!sender) return;
    const parameters = sender.getParameters() as RTCRtpSendParameters & {
      degradationPreference?: string;
    };
    parameters.degradationPreference = 'maintain-resolution';
    try {
      await sender.setParameters(parameters);
    } catch {
      // Older builds reject the field; contentHint 'detail' implies the same preference there.
    }
  }
}

function preferVideoCodecs(transceiver: RTCRtpTransceiver): void {
  // A sendonly transceiver is checked against what this browser can send.
  for (const capabilities of [
    RTCRtpSender.getCapabilities('video'),
    RTCRtpReceiver.getCapabilities('video'),
  ]) {
    if (!capabilities) continue;
    try {
      transceiver.setCodecPreferences(preferCodecs(capabilities.codecs));
      return;
    } catch {
      // Try the other list; without preferences the browser's default order applies.
    }
  }
}
