/**
 * Lines to remembered devices. While the browser runs, each paired device has a line that
 * waits in the mailbox derived from the pairing; when both devices are there, they run the
 * PAKE with their shared secret, then prove their long-term keys (device-auth), and the line is
 * online: either side can open a session without a code, send a link (a URL), or unpair. The
 * line reconnects with backoff when signaling drops. ("Link" means only a URL sent to a
 * device; a peer connection is a connection, this standing sealed channel is a line.)
 */
import { toHex } from '../core/bytes.js';
import { PeerbeamError } from '../core/errors.js';
import { deviceAuthChallenge, pairedRole } from '../core/pairing.js';
import type { LinkRefusedReason, SessionKind } from '../core/peer-signal.js';
import type { IceServer } from '../core/protocol.js';
import type { DeviceView } from './views.js';
import { SignalingConnection } from '../rtc/signaling-client.js';
import {
  deleteDevice,
  deviceIdentity,
  listDevices,
  saveDevice,
  sign,
  verify,
  type PairedDevice,
} from './device-store.js';
import { establishSealedSignaling, type SealedSignaling } from '../rtc/sealed-signaling.js';

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

export interface DeviceLineEvents {
  signalingUrl(): string;
  changed(): void;
  /** The peer asked to open a session over this line. */
  connectRequested(line: DeviceLine, kind: SessionKind, sid: string): void;
  /** The peer unpaired (or we finished unpairing): forget the line. */
  unpaired(line: DeviceLine): void;
  /** The line came online (authenticated): deliver what waited for it. */
  online(line: DeviceLine): void;
  linkReceived(line: DeviceLine, message: { id: string; url: string; title: string }): void;
  /** The device answered a link we sent: shown, or refused (why). */
  linkAcked(id: string, refused?: LinkRefusedReason): void;
}

export class DeviceLine {
  private readonly abort = new AbortController();
  private sealedLine: SealedSignaling | undefined;
  iceServers: IceServer[] = [];

  constructor(
    public device: PairedDevice,
    private readonly events: DeviceLineEvents,
  ) {}

  get online(): boolean {
    return this.sealedLine?.isOpen ?? false;
  }

  get sealed(): SealedSignaling | undefined {
    return this.online ? this.sealedLine : undefined;
  }

  view(): DeviceView {
    return {
      id: this.device.id,
      name: this.device.name,
      online: this.online,
      unpairPending: this.device.unpairPending ?? false,
      autoOpenLinks: this.device.autoOpenLinks ?? false,
    };
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.abort.abort();
    this.sealedLine?.end(new PeerbeamError('CANCELLED', 'line stopped'));
  }

  /** Unpairs: tells the peer now if the line is up, else as soon as it next meets it. */
  async unpair(): Promise<void> {
    const sealed = this.sealed;
    if (sealed) {
      sealed.trySend({ t: 'unpair' });
      await this.forget();
      return;
    }
    this.device = { ...this.device, unpairPending: true };
    await saveDevice(this.device);
    this.events.changed();
  }

  private async forget(): Promise<void> {
    this.stop();
    await deleteDevice(this.device.id);
    this.events.unpaired(this);
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    let backoff = BACKOFF_MIN_MS;
    while (!signal.aborted) {
      let connection: SignalingConnection | undefined;
      try {
        connection = await SignalingConnection.open(this.events.signalingUrl(), signal);
        connection.send({ type: 'join', mailbox: this.device.mailbox });
        await connection.expect('joined', signal);
        for (;;) {
          await this.meetPeer(connection, signal);
          backoff = BACKOFF_MIN_MS;
          const reason = await this.sealedLine!.ended;
          this.events.changed();
          if (reason.code === 'TAMPERED') throw reason;
        }
      } catch {
        connection?.close();
        this.sealedLine = undefined;
        this.events.changed();
        if (signal.aborted) return;
        // Jitter keeps many devices from reconnecting in lockstep after a server restart.
        await sleep(backoff * (0.75 + Math.random() / 2), signal);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  /** Waits for the peer in the mailbox, then PAKE with the pairing secret and device-auth. */
  private async meetPeer(connection: SignalingConnection, signal: AbortSignal): Promise<void> {
    for (;;) {
      const frame = await connection.next(signal);
      if (frame.type === 'paired') {
        this.iceServers = frame.iceServers;
        break;
      }
    }
    const self = await deviceIdentity();
    const role = pairedRole(self.publicKey, this.device.publicKey);
    const sealed = await establishSealedSignaling(connection, {
      role,
      password: toHex(this.device.secret),
      context: this.device.mailbox,
      signal,
    });
    const peerAuth = sealed.expect('device-auth');
    sealed.send({
      t: 'device-auth',
      signature: await sign(deviceAuthChallenge(sealed.keys.sessionKey, role)),
    });
    const { signature } = await peerAuth;
    const peerRole = role === 'A' ? 'B' : 'A';
    const challenge = deviceAuthChallenge(sealed.keys.sessionKey, peerRole);
    if (!(await verify(this.device.publicKey, challenge, signature))) {
      const reason = new PeerbeamError('TAMPERED', 'the paired device failed to prove its key');
      sealed.end(reason);
      throw reason;
    }
    this.sealedLine = sealed;
    if (this.device.unpairPending) {
      await this.unpair();
      return;
    }
    sealed.subscribe((message) => {
      if (message.t === 'connect') this.events.connectRequested(this, message.kind, message.sid);
      if (message.t === 'unpair') void this.forget();
      if (message.t === 'link') this.events.linkReceived(this, message);
      if (message.t === 'link-ack') this.events.linkAcked(message.id, message.refused);
    });
    this.events.changed();
    this.events.online(this);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The lines to every paired device, loaded from IndexedDB. */
export class DeviceLines {
  private readonly lines = new Map<string, DeviceLine>();

  constructor(private readonly events: Omit<DeviceLineEvents, 'unpaired'>) {}

  async load(): Promise<void> {
    for (const device of await listDevices()) this.start(device);
    this.events.changed();
  }

  async add(device: PairedDevice): Promise<void> {
    await saveDevice(device);
    this.start(device);
    this.events.changed();
  }

  /** Saves a changed device record (e.g. its auto-open setting) without reconnecting. */
  async update(id: string, change: Partial<PairedDevice>): Promise<void> {
    const line = this.get(id);
    line.device = { ...line.device, ...change };
    await saveDevice(line.device);
    this.events.changed();
  }

  get(id: string): DeviceLine {
    const line = this.lines.get(id);
    if (!line) throw new PeerbeamError('NO_SUCH_DEVICE', 'no such paired device');
    return line;
  }

  list(): DeviceView[] {
    return [...this.lines.values()].map((line) => line.view());
  }

  /** The signaling URL changed: every line reconnects there. */
  restart(): void {
    for (const line of [...this.lines.values()]) {
      line.stop();
      this.start(line.device);
    }
  }

  private start(device: PairedDevice): void {
    this.lines.get(device.id)?.stop();
    const line = new DeviceLine(device, {
      ...this.events,
      unpaired: (gone) => {
        if (this.lines.get(gone.device.id) === gone) this.lines.delete(gone.device.id);
        this.events.changed();
      },
    });
    this.lines.set(device.id, line);
    line.start();
  }
}
