/**
 * Watches the Web Audio graph of the extension's offscreen document over CDP, to prove what
 * the sharer hears: the document's own audio output cannot be read back, but its graph can.
 *
 * Playwright has no handle on an offscreen document (CDP lists it as a "background_page"), so
 * this attaches to it through an extension page's session with Target.sendMessageToTarget.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { waitUntil } from './ports.js';
import { listTargets, type TargetInfo } from './targets.js';

interface AudioNode {
  nodeId: string;
  nodeType: string;
  contextId: string;
}

export interface OffscreenAudio {
  /** Node types connected straight to a running context's destination. */
  sourcesPlayingOut(): Promise<string[]>;
  detach(): Promise<void>;
}

/**
 * Attach before the graph is built: WebAudio.enable reports contexts that already exist, but
 * nodes and connections only as they are made.
 */
export async function watchOffscreenAudio(
  context: BrowserContext,
  extensionPage: Page,
): Promise<OffscreenAudio> {
  const cdp: CDPSession = await context.newCDPSession(extensionPage);
  let offscreen: TargetInfo | undefined;
  await waitUntil(
    async () => {
      ({ offscreen } = await listTargets(cdp));
      return offscreen !== undefined;
    },
    10_000,
    'the offscreen document',
  );

  const nodes = new Map<string, AudioNode>();
  const contextStates = new Map<string, string>();
  const edges: { sourceId: string; destinationId: string }[] = [];
  const replies = new Map<number, (result: unknown) => void>();
  cdp.on('Target.receivedMessageFromTarget', ({ message }: { message: string }) => {
    const parsed = JSON.parse(message) as {
      id?: number;
      method?: string;
      params?: {
        context?: { contextId: string; contextState: string };
        node?: AudioNode;
        sourceId?: string;
        destinationId?: string;
      };
      result?: unknown;
    };
    if (parsed.id !== undefined) {
      replies.get(parsed.id)?.(parsed.result);
      return;
    }
    const params = parsed.params ?? {};
    switch (parsed.method) {
      case 'WebAudio.contextCreated':
      case 'WebAudio.contextChanged': {
        if (params.context)
          contextStates.set(params.context.contextId, params.context.contextState);
        break;
      }
      case 'WebAudio.audioNodeCreated': {
        if (params.node) nodes.set(params.node.nodeId, params.node);
        break;
      }
      case 'WebAudio.nodesConnected':
        if (params.sourceId && params.destinationId) {
          edges.push({ sourceId: params.sourceId, destinationId: params.destinationId });
        }
        break;
    }
  });
  const { sessionId } = await cdp.send('Target.attachToTarget', {
    targetId: offscreen!.targetId,
    flatten: false,
  });
  let nextId = 0;
  const send = (method: string) =>
    new Promise<unknown>((resolve) => {
      const id = ++nextId;
      replies.set(id, resolve);
      void cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method, params: {} }),
      });
    });
  await send('WebAudio.enable');

  return {
    async sourcesPlayingOut() {
      return edges
        .map(({ sourceId, destinationId }) => ({
          source: nodes.get(sourceId),
          destination: nodes.get(destinationId),
        }))
        .filter(
          ({ source, destination }) =>
            source !== undefined &&
            destination?.nodeType === 'AudioDestination' &&
            contextStates.get(destination.contextId) === 'running',
        )
        .map(({ source }) => source!.nodeType);
    },
    async detach() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      await cdp.detach().catch(() => undefined);
    },
  };
}

/** Starts a steady 440 Hz tone in a page (the browser must allow autoplay). */
export async function playTone(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 440;
    tone.connect(audio.destination);
    tone.start();
    await audio.resume();
  });
}

/**
 * The loudness (RMS, 0..1) of the audio a page's <video> element receives, measured over
 * `ms` with an analyser on its stream.
 */
export async function receivedLoudness(page: Page, ms = 1_000): Promise<number> {
  return page.evaluate(async (duration) => {
    const video = document.querySelector('video');
    const stream = video?.srcObject;
    if (!(stream instanceof MediaStream) || stream.getAudioTracks().length === 0) return 0;
    const audio = new AudioContext();
    await audio.resume();
    const analyser = audio.createAnalyser();
    audio.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    const until = performance.now() + duration;
    while (performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      analyser.getFloatTimeDomainData(samples);
      const rms = Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
      peak = Math.max(peak, rms);
    }
    await audio.close();
    return peak;
  }, ms);
}
