/**
 * The tab-share probe's decoder for a viewer in Firefox (harness/tab-probe.page.ts decodes
 * with MediaStreamTrackProcessor, which Firefox pages lack). In the page, every frame the
 * viewer's <video> presents (requestVideoFrameCallback) is sampled at the centre of each block
 * of the clock row; here, the samples are decoded with tab-blocks.ts, as the Chromium probe
 * does in its page.
 */
import type { FirefoxPage } from './firefox.js';
import { BLOCK_COUNT, BLOCK_ROW, decodeLuma, latencyMs } from './tab-blocks.js';

/** What the page keeps of each frame: when it was shown, and the luma of each block. */
interface Sample {
  at: number;
  luma: number[];
  width: number;
}

/** Starts sampling the frames `selector`'s video shows. */
export async function startFirefoxDecoding(page: FirefoxPage, selector = 'video'): Promise<void> {
  await page.script(
    `const [selector, blocks, top, height] = arguments;
     const video = document.querySelector(selector);
     const width = blocks * 4;
     const canvas = document.createElement('canvas');
     canvas.width = width;
     canvas.height = 4;
     const context = canvas.getContext('2d', { willReadFrequently: true });
     const samples = [];
     window.peerbeamFirefoxSamples = samples;
     const onFrame = () => {
       const w = video.videoWidth, h = video.videoHeight;
       if (w > 0 && samples.length < 5000) {
         // The middle half of the row's height, squeezed to 4 pixels per block.
         context.drawImage(video, 0, (top + height / 4) * h, w, (height / 2) * h, 0, 0, width, 4);
         const pixels = context.getImageData(0, 2, width, 1).data;
         const luma = [];
         for (let i = 0; i < blocks; i++) {
           const o = (i * 4 + 2) * 4;
           luma.push(0.299 * pixels[o] + 0.587 * pixels[o + 1] + 0.114 * pixels[o + 2]);
         }
         samples.push({ at: performance.timeOrigin + performance.now(), luma, width: w });
       }
       video.requestVideoFrameCallback(onFrame);
     };
     video.requestVideoFrameCallback(onFrame);`,
    [selector, BLOCK_COUNT, BLOCK_ROW.top, BLOCK_ROW.height],
  );
}

/** The clock values decoded so far (each once, in order), their latencies, the frame width. */
export async function firefoxDecodeStats(
  page: FirefoxPage,
): Promise<{ values: number[]; latencies: number[]; width: number }> {
  const samples = await page.script<Sample[]>('return window.peerbeamFirefoxSamples ?? []');
  const values: number[] = [];
  const latencies: number[] = [];
  let width = 0;
  for (const sample of samples) {
    const value = decodeLuma(sample.luma);
    if (value === undefined || value === values.at(-1)) continue;
    values.push(value);
    latencies.push(latencyMs(value, sample.at));
    width = sample.width;
  }
  return { values, latencies, width };
}
