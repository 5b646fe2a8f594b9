/**
 * Every page type through the Nu HTML Checker (vnu.jar from npm `vnu-jar`, on Debian's Java):
 * zero errors. The pages are saved to a temporary folder and checked in one run (the JVM is
 * slow to start). The Atom feed and the sitemaps must be well-formed XML (strict parser).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const lobby = seed.rooms.lobby;
const pagination = seed.rooms.pagination;
const vnuJar = join(dirname(createRequire(import.meta.url).resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

/** Page type → path and the status it must answer with. */
export function pageTypes(): Record<string, { path: string; status: number }> {
  const ev = (id: string | undefined) => encodeURIComponent(id ?? '');
  return {
    directory: { path: '/', status: 200 },
    'directory-search': { path: '/?q=lobby', status: 200 },
    'directory-empty-search': { path: '/?q=nothing-matches-this', status: 200 },
    room: { path: '/room/lobby:localhost', status: 200 },
    'room-pagination': { path: '/room/pagination:localhost', status: 200 },
    space: { path: '/room/space:localhost', status: 200 },
    day: { path: `/room/pagination:localhost/date/${pagination.days[0]!.replace(/-/g, '/')}`, status: 200 },
    event: { path: `/room/lobby:localhost/event/${ev(lobby.events['image'])}`, status: 200 },
    thread: { path: `/room/lobby:localhost/thread/${ev(lobby.events['threadRoot'])}`, status: 200 },
    info: { path: '/room/lobby:localhost/info', status: 200 },
    members: { path: '/room/lobby:localhost/members', status: 200 },
    widgets: { path: '/room/widgets:localhost/widgets', status: 200 },
    'error-400': { path: '/room/not%20a%20room', status: 400 },
    'error-403': { path: `/room/${seed.rooms.membersOnly.alias.slice(1)}`, status: 403 },
    'error-404': { path: '/room/no-such-room:localhost', status: 404 },
  };
}

interface VnuMessage {
  type: string;
  subType?: string;
  url: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

describe('valid HTML and XML', () => {
  let viewer: RunningViewer;
  const dir = mkdtempSync(join(tmpdir(), 'msv-validate-'));
  const files = new Map<string, string>();
  let messages: VnuMessage[] = [];

  beforeAll(async () => {
    viewer = await startViewer();
    for (const [name, { path, status }] of Object.entries(pageTypes())) {
      const res = await viewer.get(path);
      expect(res.status, `${name}: ${path}`).toBe(status);
      const file = join(dir, `${name}.html`);
      writeFileSync(file, await res.text());
      files.set(name, file);
    }
    const { stdout } = await promisify(execFile)('java', ['-jar', vnuJar, '--format', 'json', '--stdout', ...files.values()], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
    messages = (JSON.parse(stdout) as { messages: VnuMessage[] }).messages;
  }, 180_000);
  afterAll(async () => viewer.close());

  it.each(Object.keys(pageTypes()))('%s has no Nu HTML Checker errors', (name) => {
    const file = files.get(name)!;
    const errors = messages.filter((m) => m.type === 'error' && m.url.endsWith(`/${name}.html`));
    expect(file).toBeTruthy();
    const report = errors.map((e) => `${name}.html:${e.lastLine}: ${e.message} [${e.extract ?? ''}]`).join('\n');
    expect(errors.length, `${report}\n(pages saved in ${dir})`).toBe(0);
  });

  it('the checker ran on every page', () => {
    expect(messages.filter((m) => m.type === 'non-document-error')).toEqual([]);
  });

  it('the Atom feed and the sitemaps are well-formed XML', async () => {
    for (const path of ['/room/lobby:localhost/feed.atom', '/sitemap.xml', '/sitemaps/rooms-1.xml', '/sitemaps/room/pagination:localhost.xml', '/sitemaps/room/lobby:localhost.xml']) {
      const res = await viewer.get(path);
      expect(res.status, path).toBe(200);
      const text = await res.text();
      writeFileSync(join(dir, path.replace(/[^a-z0-9.]+/gi, '_')), text);
      expect(XMLValidator.validate(text, { allowBooleanAttributes: false }), path).toBe(true);
      expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'), path).toBe(true);
    }
  });
});
