// Whole-server answers to malformed URLs (as Nitter's test_security.py): never a 5xx, always
// an HTML page with a 4xx (or a redirect or page where the URL is in fact fine), and the
// server still serves afterwards. Requests go over a raw socket so that nothing normalises
// the path (`..`, bad percent-encoding, raw UTF-8) on the way.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `GET {target} HTTP/1.1` exactly as given and reads the whole answer. */
function rawGet(baseUrl: string, target: string): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error(`timeout on ${target.slice(0, 80)}`)));
    socket.on('connect', () => {
      socket.write(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: viewer.test\r\nConnection: close\r\n\r\n`, 'utf8'));
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split).split('\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status, headers, body: text.slice(split + 4) });
    });
  });
}

const seed = loadSeed();
const lobby = `/room/${seed.rooms.lobby.alias.slice(1)}`;
const long = (n: number, c = 'a'): string => c.repeat(n);

const BAD_URLS: string[] = [
  // Room references
  '/room/',
  '/room/notanid',
  '/room/!',
  '/room/!nocolon',
  '/room/%21bad%20id:localhost',
  '/room/!abc:',
  '/room/%23',
  '/room/%23%23%23:localhost',
  '/room/@user:localhost',
  '/room/%24event:localhost',
  '/room/!abc:localhost:99999999',
  '/room/!a:[::1',
  '/room/%E0%A4%A',
  '/room/%',
  '/room/%zz',
  '/room/%00',
  '/room/!abc%00:localhost',
  `${lobby}%00`,
  '/room/%3Cscript%3Ealert(1)%3C%2Fscript%3E:localhost',
  `/room/${long(10_000)}`,
  `/room/!${long(10_000)}:localhost`,
  '/room/日本語:localhost',
  '/room/%E6%97%A5%E6%9C%AC:localhost',
  '/room/😀',
  '/room/%F0%9F%98%80:localhost',
  // Events, threads and query parameters of a good room
  `${lobby}/event/notanevent`,
  `${lobby}/event/%24`,
  `${lobby}/event/%24abc%00`,
  `${lobby}/event/%E0%A4%A`,
  `${lobby}/event/%24${long(10_000, 'b')}`,
  `${lobby}/thread/nope`,
  `${lobby}?before=notanevent`,
  `${lobby}?after=%24x&before=%24y`,
  `${lobby}?before=%24${long(12_000, 'x')}`,
  `${lobby}?before=%24a&before=%24b`,
  `${lobby}?before[]=x`,
  `${lobby}?before=%E0%A4%A`,
  `${lobby}/date/2024/13/45`,
  `${lobby}/date/abcd/01/01`,
  `${lobby}/date/99999/01/01`,
  `${lobby}/date/2024/02/30`,
  `${lobby}/members?page=-1`,
  `${lobby}/members?from=%00`,
  `${lobby}/info/../../etc/passwd`,
  `${lobby}/widgets%00`,
  // Media: traversal, odd servers, bad sizes
  '/media/download/..%2F..%2Fetc/passwd',
  '/media/thumbnail/localhost/..',
  '/media/thumbnail/localhost/../../etc/passwd',
  '/media/download/localhost/%2e%2e/x',
  '/media/download/localhost/%2e%2e%2f%2e%2e%2fetc%2fpasswd/x',
  '/media/thumbnail/evil.invalid:80@127.0.0.1/abc',
  '/media/download/localhost/abc%00/name',
  '/media/thumbnail/localhost/abc?width=-5&height=999999999',
  '/media/thumbnail/localhost/abc?method=%00',
  `/media/download/localhost/${long(10_000)}/x`,
  '/media/thumbnail/http:%2F%2F127.0.0.1:22/x',
  '/media/',
  '/media/download',
  // The directory
  `/?q=${long(12_000, 'q')}`,
  `/?${Array.from({ length: 200 }, (_, i) => `q=${i}`).join('&')}`,
  '/?q=a&q=b',
  '/?server=%00',
  '/?server=evil.invalid/../x',
  '/?server=127.0.0.1:8008@evil.invalid',
  '/?since=%E0%A4%A',
  '/?q=%E0%A4%A',
  '/?q=%3Cscript%3E',
  `/?since=${long(5000, 'z')}`,
  `/?server=${long(5000, 's')}`,
  // Everything else
  '/static/..%2f..%2fpackage.json',
  '/static/%2e%2e/%2e%2e/package.json',
  '/static/%00',
  '/../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  `/${long(10_000)}`,
  '/robots.txt%00',
  '/%E0%A4%A',
  '/%00',
  '/healthz/../metrics/%00',
];

describe('malformed URLs', () => {
  let viewer: RunningViewer;

  beforeAll(async () => {
    viewer = await startViewer({ RATE_LIMIT_PER_MINUTE: '0' });
    // Warm the lobby so its sub-pages answer from the cache.
    expect((await viewer.get(lobby)).status).toBe(200);
  });

  afterAll(async () => {
    await viewer.close();
  });

  it('has at least 50 of them', () => {
    expect(BAD_URLS.length).toBeGreaterThanOrEqual(50);
  });

  it('answers each with HTML and no 5xx, and keeps serving', async () => {
    const failures: string[] = [];
    for (const url of BAD_URLS) {
      const answer = await rawGet(viewer.url, url);
      const label = `${url.slice(0, 90)}${url.length > 90 ? '…' : ''} → ${answer.status}`;
      const type = answer.headers['content-type'] ?? '';
      const redirect = answer.status >= 300 && answer.status < 400;
      // Raw non-ASCII bytes in the request line are refused by Node's HTTP parser itself (a bare
      // 400) before the app sees them; browsers always percent-encode, and those forms are above.
      if (/[^\x00-\x7f]/.test(url)) {
        if (answer.status !== 400) failures.push(`${label}: raw bytes not refused`);
        continue;
      }
      if (answer.status < 200 || answer.status >= 500) failures.push(`${label}: status`);
      else if (!redirect && !type.startsWith('text/html') && !(answer.status === 200 && url.startsWith('/media/'))) {
        failures.push(`${label}: content type ${type}`);
      } else if (answer.status >= 400 && !/<html/i.test(answer.body)) failures.push(`${label}: no HTML page`);
      else if (answer.status >= 400 && !answer.body.includes(`HTTP ${answer.status}`)) failures.push(`${label}: not our error page`);
    }
    expect(failures).toEqual([]);
    expect((await viewer.get('/healthz')).status).toBe(200);
    expect((await viewer.get(lobby)).status).toBe(200);
  });
});
