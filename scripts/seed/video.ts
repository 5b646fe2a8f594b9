// A real, tiny WebM video for the seed, recorded by Debian's Chromium (MediaRecorder on a
// canvas) so that nothing is downloaded and no encoder has to be installed: one second of
// colour changing every tenth of a second, 64x48, VP8, a few kilobytes.
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

const RECORD = `(async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const ctx = canvas.getContext('2d');
  let frame = 0;
  function draw() {
    ctx.fillStyle = 'hsl(' + ((frame * 36) % 360) + ', 80%, 50%)';
    ctx.fillRect(0, 0, 64, 48);
    ctx.fillStyle = '#fff';
    ctx.fillRect(8 + frame * 4, 16, 12, 12);
    frame++;
  }
  draw();
  const recorder = new MediaRecorder(canvas.captureStream(10), { mimeType: 'video/webm;codecs=vp8' });
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  const timer = setInterval(draw, 100);
  recorder.start();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  recorder.stop();
  await stopped;
  clearInterval(timer);
  return Array.from(new Uint8Array(await new Blob(chunks).arrayBuffer()));
})()`;

export async function recordWebm(): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    // A string, not a function: the TypeScript loader's helpers do not exist in the page.
    const bytes = (await page.evaluate(RECORD)) as number[];
    if (bytes.length < 100) throw new Error(`Chromium recorded only ${bytes.length} bytes of video`);
    return Buffer.from(bytes);
  } finally {
    await browser.close();
  }
}
