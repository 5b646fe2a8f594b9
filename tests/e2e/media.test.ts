import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const media = seed.rooms.lobby.media;
const part = (mxc: string): string => mxc.slice('mxc://'.length);

async function upload(contentType: string, body: string, filename: string): Promise<string> {
  const response = await fetch(`${seed.homeserverUrl}/_matrix/media/v3/upload?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${seed.users.alice.accessToken}`, 'Content-Type': contentType },
    body,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { content_uri: string }).content_uri;
}

describe('the media proxy, against the seeded Synapse', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('serves an image thumbnail inline with its own type and a long cache lifetime', async () => {
    const response = await viewer.get(`/media/thumbnail/${part(media['image']!)}?width=96&height=96&method=scale`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(response.headers.get('content-disposition')).toMatch(/^inline/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
  });

  it('serves other files as attachments, never inline', async () => {
    const response = await viewer.get(`/media/download/${part(media['file']!)}/notes.txt`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="notes.txt"');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('notes');
  });

  it('never serves SVG or HTML inline, however the homeserver labels it', async () => {
    const svg = await upload('image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'evil.svg');
    const html = await upload('text/html', '<script>alert(1)</script>', 'evil.html');
    for (const mxc of [svg, html]) {
      const response = await viewer.get(`/media/download/${part(mxc)}/file`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('content-disposition')).toMatch(/^attachment/);
      expect(response.headers.get('content-security-policy')).toContain('sandbox');
    }
  });

  it('answers unknown media with 404 and malformed addresses with 400', async () => {
    expect((await viewer.get('/media/download/localhost/nosuchmediaid')).status).toBe(404);
    expect((await viewer.get('/media/thumbnail/localhost/bad%2Fid')).status).toBe(400);
    expect((await viewer.get('/media/download/not%20a%20server/abc')).status).toBe(400);
  });
});
