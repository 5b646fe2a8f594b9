/**
 * sendRendered (web/send-rendered.ts) makes a cached page's headers once and writes hits
 * without express's send; it must answer exactly as the plain way does: sendPage with the
 * negotiated encoding, Vary and Content-Encoding (the code it replaced, kept here as the reference).
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendPage } from '../../src/web/http-cache.js';
import { RenderedPage, sendRendered, type SendOptions } from '../../src/web/page-cache.js';

function reference(req: Request, res: Response, page: RenderedPage, options: SendOptions): void {
  const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
  const encoding = accepted === 'br' || accepted === 'gzip' ? accepted : undefined;
  res.vary('Accept-Encoding');
  if (encoding) res.set('Content-Encoding', encoding);
  sendPage(req, res, encoding ? page.encodedAs(encoding) : page.bytes, { ...options, etag: page.etagFor(encoding) });
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function raw(url: string, headers: Record<string, string>, method: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const { date: _date, ...rest } = res.headers;
        resolve({ status: res.statusCode ?? 0, headers: rest, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const LAST = Date.UTC(2026, 10, 20, 12, 0, 0);
const cases: Array<[string, SendOptions]> = [
  ['live', { maxAgeSeconds: 10, staleSeconds: 60, lastModified: LAST }],
  ['noindex', { maxAgeSeconds: 10, staleSeconds: 60, lastModified: LAST, noindex: true }],
  ['atom', { maxAgeSeconds: 10, staleSeconds: 60, lastModified: LAST, type: 'application/atom+xml; charset=utf-8' }],
  ['no-date', { maxAgeSeconds: 1800, staleSeconds: 1800 }],
  ['future', { maxAgeSeconds: 10, staleSeconds: 60, lastModified: Date.now() + 3_600_000 }],
];

describe('sendRendered', () => {
  let server: Server;
  let base: string;
  const pages = new Map(cases.map(([name]) => [name, new RenderedPage(`<!doctype html><title>${name}</title>${'<p>words</p>'.repeat(400)}`)]));
  const references = new Map(cases.map(([name]) => [name, new RenderedPage(`<!doctype html><title>${name}</title>${'<p>words</p>'.repeat(400)}`)]));

  beforeAll(async () => {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    for (const [name, options] of cases) {
      app.get(`/new/${name}`, (req, res) => sendRendered(req, res, pages.get(name)!, { ...options }));
      app.get(`/old/${name}`, (req, res) => reference(req, res, references.get(name)!, { ...options }));
    }
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers as sendPage does, on the first send and on every later one', async () => {
    const tag = references.get('live')!.etag;
    const variants: Array<[Record<string, string>, string]> = [
      [{}, 'GET'],
      [{}, 'GET'],
      [{}, 'HEAD'],
      [{ 'accept-encoding': 'gzip' }, 'GET'],
      [{ 'accept-encoding': 'gzip' }, 'GET'],
      [{ 'accept-encoding': 'br, gzip' }, 'GET'],
      [{ 'accept-encoding': 'br' }, 'HEAD'],
      [{ 'accept-encoding': '' }, 'GET'],
      [{ 'accept-encoding': 'identity;q=0, deflate' }, 'GET'],
      [{ 'if-none-match': tag }, 'GET'],
      [{ 'if-none-match': '"other"' }, 'GET'],
      [{ 'if-none-match': '*' }, 'HEAD'],
      [{ 'if-modified-since': new Date(LAST).toUTCString() }, 'GET'],
      [{ 'if-modified-since': new Date(LAST - 5000).toUTCString() }, 'GET'],
      // express's own `fresh` answers this one 304 (an empty If-None-Match is no validator to it).
      [{ 'if-none-match': '', 'if-modified-since': new Date(LAST + 5000).toUTCString() }, 'GET'],
      [{ 'if-modified-since': 'not a date' }, 'GET'],
      [{ 'cache-control': 'no-cache', 'if-none-match': tag }, 'GET'],
      [{}, 'GET'],
    ];
    for (const [name] of cases) {
      for (const [headers, method] of variants) {
        const label = `${name} ${method} ${JSON.stringify(headers)}`;
        const now = await raw(`${base}/new/${name}`, headers, method);
        const then = await raw(`${base}/old/${name}`, headers, method);
        if (name === 'future') {
          // Capped to the clock, which may tick between the two answers.
          for (const answer of [now, then]) {
            if (answer.status === 200) expect(Date.parse(String(answer.headers['last-modified'])), label).toBeLessThanOrEqual(Date.now());
            delete answer.headers['last-modified'];
          }
        }
        expect(now, label).toEqual(then);
      }
    }
  });
});
