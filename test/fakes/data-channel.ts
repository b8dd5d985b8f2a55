/**
 * An in-memory, ordered, reliable data channel pair: what one end sends, the other end's
 * 'message' listeners get on a later microtask, in order. Sent buffers are copied, as the
 * real channel does (the sender reuses its frame buffer).
 */
export class FakeDataChannel {
  readyState: RTCDataChannelState = 'open';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType: BinaryType = 'arraybuffer';
  /** Everything this end sent, decoded: control messages as objects, chunks as buffers. */
  readonly sent: unknown[] = [];
  peer: FakeDataChannel | undefined;
  private readonly listeners = new Map<string, Set<(event: Event) => void>>();

  static pair(): [FakeDataChannel, FakeDataChannel] {
    const a = new FakeDataChannel();
    const b = new FakeDataChannel();
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  /** The sent control messages (JSON text), parsed. */
  get controls(): { t: string; [key: string]: unknown }[] {
    return this.sent.filter((item) => !(item instanceof ArrayBuffer)) as {
      t: string;
      [key: string]: unknown;
    }[];
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.readyState !== 'open') throw new Error('InvalidStateError: the channel is not open');
    const copy =
      typeof data === 'string'
        ? data
        : data instanceof ArrayBuffer
          ? data.slice(0)
          : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer;
    this.sent.push(typeof copy === 'string' ? (JSON.parse(copy) as unknown) : copy);
    const peer = this.peer;
    if (peer) queueMicrotask(() => peer.receive(copy));
  }

  addEventListener<E extends Event>(type: string, listener: (event: E) => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as (event: Event) => void);
    this.listeners.set(type, set);
  }

  removeEventListener<E extends Event>(type: string, listener: (event: E) => void): void {
    this.listeners.get(type)?.delete(listener as (event: Event) => void);
  }

  private dispatch(event: Event): void {
    for (const listener of [...(this.listeners.get(event.type) ?? [])]) listener(event);
  }

  /** A frame from the other side (a test may call it to play a hostile sender). */
  receive(data: string | ArrayBuffer): void {
    if (this.readyState !== 'open') return;
    this.dispatch(new MessageEvent('message', { data }));
  }

  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.dispatch(new Event('close'));
    this.peer?.close();
  }
}
