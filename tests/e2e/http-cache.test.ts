/** HTTP caching and compression of the whole app, against the seeded Synapse. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicDir } from '../../src/paths.js';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const lobby = seed.rooms.lobby;

/** fetch() always asks for and decodes gzip; this sees the raw answer. */
function raw(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP caching', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer({ ROOM_FRESHNESS_SECONDS: '15' });
  });
  afterAll(async () => viewer.close());

  const pages = [
    '/',
    '/room/lobby:localhost',
    '/room/lobby:localhost/info',
    '/room/lobby:localhost/members',
    '/room/widgets:localhost/widgets',
    `/room/lobby:localhost/event/${encodeURIComponent(lobby.events['text']!)}`,
    `/room/lobby:localhost/thread/${encodeURIComponent(lobby.events['threadRoot']!)}`,
  ];

  it('every page has a strong ETag, Cache-Control with stale-while-revalidate, and answers 304 to If-None-Match', async () => {
    for (const path of pages) {
      const res = await viewer.get(path);
      expect(res.status, path).toBe(200);
      const etag = res.headers.get('etag');
      expect(etag, path).toMatch(/^"[^"]+"$/);
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=15, stale-while-revalidate=90');
      const again = await viewer.get(path, { 'if-none-match': etag! });
      expect(again.status, path).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      // The same content gives the same tag.
      expect((await viewer.get(path)).headers.get('etag'), path).toBe(etag);
    }
  });

  it('room pages have Last-Modified and answer 304 to If-Modified-Since', async () => {
    for (const path of pages.slice(1)) {
      const res = await viewer.get(path);
      const lastModified = res.headers.get('last-modified');
      expect(lastModified, path).toBeTruthy();
      expect((await viewer.get(path, { 'if-modified-since': lastModified! })).status, path).toBe(304);
      expect((await viewer.get(path, { 'if-modified-since': new Date(Date.parse(lastModified!) - 60_000).toUTCString() })).status, path).toBe(200);
    }
  });

  it('a changed page gets a new ETag', async () => {
    const a = (await viewer.get('/room/lobby:localhost')).headers.get('etag');
    const b = (await viewer.get('/room/lobby:localhost/info')).headers.get('etag');
    expect(a).not.toBe(b);
    expect((await viewer.get('/room/lobby:localhost/info', { 'if-none-match': a! })).status).toBe(200);
  });

  it('error pages are not cached', async () => {
    const res = await viewer.get('/room/no-such-room:localhost');
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('static assets', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('one fingerprinted stylesheet holds style.css and timeline.css, immutable for a year', async () => {
    const { $ } = await viewer.html('/');
    const sheets = $('link[rel=stylesheet]');
    expect(sheets.length).toBe(1);
    const href = sheets.attr('href')!;
    expect(href).toMatch(/^\/static\/style\.[0-9a-f]{12}\.css$/);
    const res = await viewer.get(href);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await res.text();
    expect(css).toContain(readFileSync(join(publicDir, 'style.css'), 'utf8').trim());
    expect(css).toContain(readFileSync(join(publicDir, 'timeline.css'), 'utf8').trim());
    expect((await viewer.get(href, { 'if-none-match': res.headers.get('etag')! })).status).toBe(304);
    // The same page on a room uses the same sheet.
    expect((await viewer.html('/room/lobby:localhost')).$('link[rel=stylesheet]').attr('href')).toBe(href);
  });

  it('the favicon is fingerprinted too', async () => {
    const { $ } = await viewer.html('/');
    const href = $('link[rel=icon]').attr('href')!;
    expect(href).toMatch(/^\/static\/favicon\.[0-9a-f]{12}\.svg$/);
    const res = await viewer.get(href);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe('compression', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('compresses pages with gzip or brotli when asked, and not otherwise', async () => {
    const plain = await raw(`${viewer.url}/room/lobby:localhost`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzip = await raw(`${viewer.url}/room/lobby:localhost`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers['vary']).toMatch(/accept-encoding/i);
    expect(gzip.bytes).toBeLessThan(plain.bytes / 3);
    const br = await raw(`${viewer.url}/room/lobby:localhost`, { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    const stylesheet = (await viewer.html('/')).$('link[rel=stylesheet]').attr('href')!;
    expect((await raw(`${viewer.url}${stylesheet}`, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
  });

  it('leaves media alone', async () => {
    const { $ } = await viewer.html('/room/lobby:localhost');
    const avatar = $('meta[property="og:image"]').attr('content')!.replace('http://viewer.test', viewer.url);
    const res = await raw(avatar, { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});
