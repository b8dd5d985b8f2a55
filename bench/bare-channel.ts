/**
 * Baselines measured in the same two browsers as Peerbeam: a bare RTCDataChannel between two
 * plain pages (the ceiling), and the common scheme of browser file-sharing tools (64,000-byte
 * chunks, an acknowledgement every 1 MB, the file assembled in memory). No Peerbeam code runs
 * in these pages; the SDP goes through this process.
 */
import type { Page } from 'playwright-core';

export interface ChannelResult {
  bytes: number;
  ms: number;
  mbPerSecond: number;
}

/** Connects a fresh peer connection pair across the two pages; resolves when the channel is open. */
async function connect(sender: Page, receiver: Page): Promise<void> {
  const offer = await sender.evaluate(async () => {
    const w = window as unknown as { pc: RTCPeerConnection; dc: RTCDataChannel };
    w.pc = new RTCPeerConnection();
    w.dc = w.pc.createDataChannel('bench', { ordered: true });
    w.dc.binaryType = 'arraybuffer';
    await w.pc.setLocalDescription();
    await new Promise<void>((resolve) => {
      if (w.pc.iceGatheringState === 'complete') resolve();
      w.pc.addEventListener('icegatheringstatechange', () => {
        if (w.pc.iceGatheringState === 'complete') resolve();
      });
    });
    return w.pc.localDescription!.toJSON();
  });
  const answer = await receiver.evaluate(async (remote) => {
    const w = window as unknown as { pc: RTCPeerConnection; dc: Promise<RTCDataChannel> };
    w.pc = new RTCPeerConnection();
    w.dc = new Promise((resolve) =>
      w.pc.addEventListener('datachannel', (event) => {
        event.channel.binaryType = 'arraybuffer';
        resolve(event.channel);
      }),
    );
    await w.pc.setRemoteDescription(remote);
    await w.pc.setLocalDescription();
    await new Promise<void>((resolve) => {
      if (w.pc.iceGatheringState === 'complete') resolve();
      w.pc.addEventListener('icegatheringstatechange', () => {
        if (w.pc.iceGatheringState === 'complete') resolve();
      });
    });
    return w.pc.localDescription!.toJSON();
  }, offer);
  await sender.evaluate(async (remote) => {
    const w = window as unknown as { pc: RTCPeerConnection; dc: RTCDataChannel };
    await w.pc.setRemoteDescription(remote);
    if (w.dc.readyState !== 'open') {
      await new Promise((resolve) => w.dc.addEventListener('open', resolve, { once: true }));
    }
  }, answer);
}

async function close(...pages: Page[]): Promise<void> {
  for (const page of pages) {
    await page.evaluate(() => (window as unknown as { pc?: RTCPeerConnection }).pc?.close());
  }
}

/** Blasts `bytes` at `messageSize` with bufferedAmountLowThreshold backpressure. */
export async function bareThroughput(
  sender: Page,
  receiver: Page,
  bytes: number,
  options: { messageSize: number; highWater: number; lowWater: number },
): Promise<ChannelResult> {
  await connect(sender, receiver);
  // The receiver listens before the sender starts: a message with no listener is lost.
  await receiver.evaluate(async (total) => {
    const w = window as unknown as { dc: Promise<RTCDataChannel>; done: Promise<number> };
    const channel = await w.dc;
    let received = 0;
    w.done = new Promise<number>((resolve) => {
      channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
        received += event.data.byteLength;
        if (received >= total) resolve(Date.now());
      };
    });
  }, bytes);
  const done = receiver.evaluate(() => (window as unknown as { done: Promise<number> }).done);
  const started = await sender.evaluate(
    async ({ total, messageSize, highWater, lowWater }) => {
      const channel = (window as unknown as { dc: RTCDataChannel }).dc;
      channel.bufferedAmountLowThreshold = lowWater;
      const payload = new Uint8Array(messageSize);
      crypto.getRandomValues(payload.subarray(0, 65_536));
      const start = Date.now();
      let sent = 0;
      while (sent < total) {
        if (channel.bufferedAmount > highWater) {
          await new Promise((resolve) =>
            channel.addEventListener('bufferedamountlow', resolve, { once: true }),
          );
        }
        const size = Math.min(messageSize, total - sent);
        channel.send(size === messageSize ? payload : payload.subarray(0, size));
        sent += size;
      }
      return start;
    },
    { total: bytes, ...options },
  );
  const end = await done;
  await close(sender, receiver);
  const ms = end - started;
  return { bytes, ms, mbPerSecond: bytes / 1e6 / (ms / 1000) };
}

/** Puts `path` into the page as a File (`window.benchFile`), as a person picking it would. */
async function pickFile(page: Page, path: string): Promise<void> {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-file';
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles('#bench-file', path);
  await page.evaluate(() => {
    const input = document.querySelector<HTMLInputElement>('#bench-file')!;
    (window as unknown as { benchFile: File }).benchFile = input.files![0]!;
    input.remove();
  });
}

/**
 * The common scheme of browser file-sharing tools: the sender reads the file one 64,000-byte
 * chunk at a time and sends it, waiting for an acknowledgement after every 1 MB; the receiver
 * keeps every chunk in memory and makes one Blob at the end. `file` is the file to read; without
 * it the sender sends one reused in-memory buffer instead (no disk reads: a stricter variant).
 */
export async function commonSchemeThroughput(
  sender: Page,
  receiver: Page,
  bytes: number,
  file?: string,
): Promise<ChannelResult> {
  await connect(sender, receiver);
  if (file) await pickFile(sender, file);
  const CHUNK = 64_000;
  const ACK_EVERY = 1_000_000;
  await receiver.evaluate(
    async ({ total, ackEvery }) => {
      const w = window as unknown as { dc: Promise<RTCDataChannel>; done: Promise<number> };
      const channel = await w.dc;
      const chunks: ArrayBuffer[] = [];
      let received = 0;
      let lastAck = 0;
      w.done = new Promise<number>((resolve) => {
        channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
          chunks.push(event.data);
          received += event.data.byteLength;
          if (received - lastAck >= ackEvery || received >= total) {
            lastAck = received;
            channel.send(String(received));
          }
          if (received >= total) {
            const file = new Blob(chunks);
            (window as unknown as { kept?: Blob }).kept = file;
            resolve(Date.now());
          }
        };
      });
    },
    { total: bytes, ackEvery: ACK_EVERY },
  );
  const done = receiver.evaluate(() => (window as unknown as { done: Promise<number> }).done);
  const started = await sender.evaluate(
    async ({ total, chunk, ackEvery }) => {
      const w = window as unknown as { dc: RTCDataChannel; benchFile?: File };
      const channel = w.dc;
      const source = w.benchFile;
      const payload = new Uint8Array(chunk);
      crypto.getRandomValues(payload);
      let acked = 0;
      let waiter: (() => void) | undefined;
      channel.onmessage = (event: MessageEvent<string>) => {
        acked = Number(event.data);
        waiter?.();
      };
      const start = Date.now();
      let sent = 0;
      while (sent < total) {
        const size = Math.min(chunk, total - sent);
        // (Inline: a named helper would not survive serialisation into the page.)
        if (source) channel.send(await source.slice(sent, sent + size).arrayBuffer());
        else channel.send(payload.subarray(0, size));
        sent += size;
        if (sent - acked >= ackEvery && sent < total) {
          await new Promise<void>((resolve) => (waiter = resolve));
        }
      }
      return start;
    },
    { total: bytes, chunk: CHUNK, ackEvery: ACK_EVERY },
  );
  const end = await done;
  await receiver.evaluate(() => {
    delete (window as unknown as { kept?: Blob }).kept;
  });
  await sender.evaluate(() => {
    delete (window as unknown as { benchFile?: File }).benchFile;
  });
  await close(sender, receiver);
  const ms = end - started;
  return { bytes, ms, mbPerSecond: bytes / 1e6 / (ms / 1000) };
}
