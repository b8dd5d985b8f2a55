/**
 * The tab bench's getStats figures: what the sender's encoder and the viewer's decoder did
 * during one measured window, so a slow run shows where its time went.
 *
 * Read from every connected RTCPeerConnection of a page or of the extension's offscreen
 * document (which Playwright cannot reach), found over CDP with Runtime.queryObjects on
 * RTCPeerConnection.prototype: the product needs no hook for the bench, and a page that made
 * its connection before any init script could run is read all the same.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { listTargets } from '../test/harness/targets.js';

/** Cumulative counters of one page's video streams at one moment. */
export interface StatsSnapshot {
  at: number;
  /** Every connection's state (a missing figure's first clue). */
  states?: string[];
  /** The video codec in use. */
  codec?: string;
  out?: {
    /** The sender's first encoding: maxFramerate / scaleResolutionDownBy. */
    cap: string;
    framesEncoded: number;
    totalEncodeTime: number;
    framesSent: number;
    packetsSent: number;
    totalPacketSendDelay: number;
    qualityLimitationReason: string;
    qualityLimitationDurations: Record<string, number>;
    framesPerSecond: number;
    frameHeight: number;
    targetBitrate: number;
    /** Frames the capture delivered to the encoder (media-source). */
    captured: number;
  };
  /** The viewer's audio: its jitter buffer (video waits for it to play in sync). */
  audio?: { jitterBufferDelay: number; jitterBufferEmittedCount: number };
  in?: {
    framesDecoded: number;
    framesDropped: number;
    totalDecodeTime: number;
    jitterBufferDelay: number;
    jitterBufferEmittedCount: number;
    framesPerSecond: number;
    frameHeight: number;
  };
}

/** In the page: `pcs` → one snapshot (the first connected video stream each way). */
const COLLECT = `async function collect(pcs) {
  const snapshot = { at: Date.now(), states: pcs.map((pc) => pc.connectionState) };
  for (const pc of pcs) {
    if (pc.connectionState !== 'connected') continue;
    const entries = [...(await pc.getStats()).values()];
    const out = entries.find((e) => e.type === 'outbound-rtp' && e.kind === 'video');
    if (out && !snapshot.out) {
      const source = entries.find((e) => e.id === out.mediaSourceId);
      const video = pc.getSenders().find((sender) => sender.track && sender.track.kind === 'video');
      const encoding = video ? video.getParameters().encodings[0] || {} : {};
      snapshot.codec = (entries.find((e) => e.id === out.codecId) || {}).mimeType;
      snapshot.out = {
        cap: (encoding.maxFramerate || '-') + ' fps /' + (encoding.scaleResolutionDownBy || 1),
        framesEncoded: out.framesEncoded ?? 0,
        totalEncodeTime: out.totalEncodeTime ?? 0,
        framesSent: out.framesSent ?? 0,
        packetsSent: out.packetsSent ?? 0,
        totalPacketSendDelay: out.totalPacketSendDelay ?? 0,
        qualityLimitationReason: out.qualityLimitationReason ?? '?',
        qualityLimitationDurations: out.qualityLimitationDurations ?? {},
        framesPerSecond: out.framesPerSecond ?? 0,
        frameHeight: out.frameHeight ?? 0,
        targetBitrate: out.targetBitrate ?? 0,
        captured: source?.frames ?? 0,
      };
    }
    const sound = entries.find((e) => e.type === 'inbound-rtp' && e.kind === 'audio');
    if (sound && !snapshot.audio) {
      snapshot.audio = {
        jitterBufferDelay: sound.jitterBufferDelay ?? 0,
        jitterBufferEmittedCount: sound.jitterBufferEmittedCount ?? 0,
      };
    }
    const inbound = entries.find((e) => e.type === 'inbound-rtp' && e.kind === 'video');
    if (inbound && !snapshot.in) {
      snapshot.codec = snapshot.codec || (entries.find((e) => e.id === inbound.codecId) || {}).mimeType;
      snapshot.in = {
        framesDecoded: inbound.framesDecoded ?? 0,
        framesDropped: inbound.framesDropped ?? 0,
        totalDecodeTime: inbound.totalDecodeTime ?? 0,
        jitterBufferDelay: inbound.jitterBufferDelay ?? 0,
        jitterBufferEmittedCount: inbound.jitterBufferEmittedCount ?? 0,
        framesPerSecond: inbound.framesPerSecond ?? 0,
        frameHeight: inbound.frameHeight ?? 0,
      };
    }
  }
  return snapshot;
}`;

type Send = (method: string, params: object) => Promise<CdpReply>;

/** Every connected RTCPeerConnection of the page behind `send`, found by Runtime.queryObjects. */
async function snapshotOver(send: Send): Promise<StatsSnapshot> {
  const prototype = await send('Runtime.evaluate', { expression: 'RTCPeerConnection.prototype' });
  const prototypeObjectId = (prototype.result as { result: { objectId: string } }).result.objectId;
  const found = await send('Runtime.queryObjects', { prototypeObjectId });
  const { objectId } = (found.result as { objects: { objectId: string } }).objects;
  const called = await send('Runtime.callFunctionOn', {
    objectId,
    functionDeclaration: `function () { return (${COLLECT})(this); }`,
    awaitPromise: true,
    returnByValue: true,
  });
  return (called.result as { result: { value: StatsSnapshot } }).result.value;
}

export interface StatsReader {
  snapshot(): Promise<StatsSnapshot>;
  detach(): Promise<void>;
}

/** A page's connections, over its own CDP session. */
export async function pageStats(context: BrowserContext, page: Page): Promise<StatsReader> {
  const cdp = await context.newCDPSession(page);
  const send: Send = async (method, params) => ({
    result: await cdp.send(method as 'Runtime.evaluate', params as never),
  });
  return { snapshot: () => snapshotOver(send), detach: () => cdp.detach().catch(() => {}) };
}

/**
 * The extension's offscreen document (which runs the share): Playwright has no handle on it,
 * so it is attached through an extension page's CDP session (`extensionPage`).
 */
export async function offscreenStats(
  context: BrowserContext,
  extensionPage: Page,
): Promise<StatsReader> {
  const cdp = await context.newCDPSession(extensionPage);
  const { offscreen } = await listTargets(cdp);
  if (!offscreen) throw new Error('no offscreen document');
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: offscreen.targetId,
    flatten: false,
  });
  let nextId = 0;
  const replies = new Map<number, (reply: CdpReply) => void>();
  cdp.on('Target.receivedMessageFromTarget', ({ message }: { message: string }) => {
    const reply = JSON.parse(message) as CdpReply;
    if (reply.id !== undefined) replies.get(reply.id)?.(reply);
  });
  const send: Send = (method, params) => {
    const id = ++nextId;
    return new Promise<CdpReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no reply`)), 10_000);
      replies.set(id, (reply) => {
        clearTimeout(timer);
        replies.delete(id);
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply);
      });
      void cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method, params }),
      });
    });
  };
  return {
    snapshot: () => snapshotOver(send),
    async detach() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => {});
      await cdp.detach().catch(() => undefined);
    },
  };
}

interface CdpReply {
  id?: number;
  result?: unknown;
  error?: { message: string };
}

/** What the encoder and decoder did between two snapshots. */
export interface StreamFigures {
  /** The sender's reason at the end, and the share of the window limited by cpu / bandwidth. */
  limitation: string;
  cpuLimited: number;
  bandwidthLimited: number;
  /** Encoded frames per second, encode time per frame (ms), captured frames not encoded. */
  encodedFps: number;
  encodeMs: number;
  notEncoded: number;
  /** Time a packet waited in the sender's pacer (ms per packet). */
  sendDelayMs: number;
  sentHeight: number;
  targetKbps: number;
  /** Viewer: frames dropped, decode time per frame (ms), jitter buffer per emitted frame (ms). */
  viewerDropped: number;
  decodeMs: number;
  jitterMs: number;
  /** The viewer's audio jitter buffer per emitted sample (ms). */
  audioJitterMs: number;
  viewerFps: number;
}

export function figures(
  sender: [StatsSnapshot, StatsSnapshot],
  viewer: [StatsSnapshot, StatsSnapshot],
): StreamFigures {
  const [a, b] = sender;
  const [c, d] = viewer;
  const seconds = Math.max(0.001, (b.at - a.at) / 1000);
  const per = (num: number, den: number) => (den > 0 ? num / den : NaN);
  const encoded = (b.out?.framesEncoded ?? 0) - (a.out?.framesEncoded ?? 0);
  const limited = (reason: string) =>
    ((b.out?.qualityLimitationDurations[reason] ?? 0) -
      (a.out?.qualityLimitationDurations[reason] ?? 0)) /
    seconds;
  const emitted = (d.in?.jitterBufferEmittedCount ?? 0) - (c.in?.jitterBufferEmittedCount ?? 0);
  const decoded = (d.in?.framesDecoded ?? 0) - (c.in?.framesDecoded ?? 0);
  return {
    limitation: b.out?.qualityLimitationReason ?? '?',
    cpuLimited: limited('cpu'),
    bandwidthLimited: limited('bandwidth'),
    encodedFps: encoded / seconds,
    encodeMs: 1000 * per((b.out?.totalEncodeTime ?? 0) - (a.out?.totalEncodeTime ?? 0), encoded),
    notEncoded: (b.out?.captured ?? 0) - (a.out?.captured ?? 0) - encoded,
    sendDelayMs:
      1000 *
      per(
        (b.out?.totalPacketSendDelay ?? 0) - (a.out?.totalPacketSendDelay ?? 0),
        (b.out?.packetsSent ?? 0) - (a.out?.packetsSent ?? 0),
      ),
    sentHeight: b.out?.frameHeight ?? 0,
    targetKbps: (b.out?.targetBitrate ?? 0) / 1000,
    viewerDropped: (d.in?.framesDropped ?? 0) - (c.in?.framesDropped ?? 0),
    decodeMs: 1000 * per((d.in?.totalDecodeTime ?? 0) - (c.in?.totalDecodeTime ?? 0), decoded),
    jitterMs: 1000 * per((d.in?.jitterBufferDelay ?? 0) - (c.in?.jitterBufferDelay ?? 0), emitted),
    audioJitterMs:
      1000 *
      per(
        (d.audio?.jitterBufferDelay ?? 0) - (c.audio?.jitterBufferDelay ?? 0),
        (d.audio?.jitterBufferEmittedCount ?? 0) - (c.audio?.jitterBufferEmittedCount ?? 0),
      ),
    viewerFps: d.in?.framesPerSecond ?? 0,
  };
}
