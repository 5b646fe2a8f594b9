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
import { pageTypes } from '../support/page-types.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const vnuJar = join(dirname(createRequire(import.meta.url).resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');


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
