/** Audio and video through the media proxy, against the seeded Synapse: inline, typed, seekable. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const media = seed.rooms.events.media;
const path = (label: string, name: string): string => `/media/download/${media[label]!.slice('mxc://'.length)}/${encodeURIComponent(name)}`;

describe('playable media', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('serves a voice message inline as audio, with nosniff, the sandbox and byte ranges offered', async () => {
    const response = await viewer.get(path('voice', 'Voice message.wav'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="Voice message.wav"');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
  });

  it('answers a range with exactly those bytes (206), so that seeking works', async () => {
    const whole = Buffer.from(await (await viewer.get(path('voice', 'v.wav'))).arrayBuffer());
    const response = await viewer.get(path('voice', 'v.wav'), { Range: 'bytes=100-299' });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 100-299/${whole.length}`);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(whole.subarray(100, 300));
    const tail = await viewer.get(path('voice', 'v.wav'), { Range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(whole.length - 10));
    const outside = await viewer.get(path('voice', 'v.wav'), { Range: `bytes=${whole.length + 5}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${whole.length}`);
  });

  it('serves the seed’s WebM inline as video', async () => {
    const response = await viewer.get(path('video', 'colours.webm'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/webm');
    expect(response.headers.get('content-disposition')).toMatch(/^inline/);
    // The EBML magic number: a real WebM.
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 4).toString('hex')).toBe('1a45dfa3');
  });
});
