/** ETags, Last-Modified and 304s, on a tiny express app. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControl, cachePolicy, isNotModified, sendPage, strongEtag } from '../../src/web/http-cache.js';

describe('conditional requests', () => {
  const etag = strongEtag('body');
  const lm = Date.UTC(2026, 0, 2, 3, 4, 5, 600);

  it('matches If-None-Match by weak comparison, in lists and with *', () => {
    expect(isNotModified({ 'if-none-match': etag }, etag, undefined)).toBe(true);
    expect(isNotModified({ 'if-none-match': `"x", W/${etag}` }, etag, undefined)).toBe(true);
    expect(isNotModified({ 'if-none-match': '*' }, etag, undefined)).toBe(true);
    expect(isNotModified({ 'if-none-match': '"other"' }, etag, lm)).toBe(false);
  });

  it('lets If-None-Match win over If-Modified-Since', () => {
    expect(isNotModified({ 'if-none-match': '"other"', 'if-modified-since': new Date(lm + 60_000).toUTCString() }, etag, lm)).toBe(false);
  });

  it('compares If-Modified-Since in whole seconds', () => {
    expect(isNotModified({ 'if-modified-since': new Date(lm).toUTCString() }, etag, lm)).toBe(true);
    expect(isNotModified({ 'if-modified-since': new Date(lm - 1000).toUTCString() }, etag, lm)).toBe(false);
    expect(isNotModified({ 'if-modified-since': 'yesterday' }, etag, lm)).toBe(false);
    expect(isNotModified({ 'if-modified-since': new Date(lm).toUTCString() }, etag, undefined)).toBe(false);
  });

  it('gives the same strong tag for the same body only', () => {
    expect(strongEtag('a')).toBe(strongEtag('a'));
    expect(strongEtag('a')).not.toBe(strongEtag('b'));
    expect(strongEtag('a')).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('writes Cache-Control with stale-while-revalidate', () => {
    expect(cacheControl({ maxAgeSeconds: 60, staleSeconds: 5 })).toBe('public, max-age=60, stale-while-revalidate=5');
  });

  it('keeps every page, past days included, within the CDN bound', () => {
    expect(cachePolicy(10, 3600)).toEqual({ live: { maxAgeSeconds: 10, staleSeconds: 60 }, settled: { maxAgeSeconds: 1800, staleSeconds: 1800 } });
    // A bound shorter than six freshness intervals cuts stale-while-revalidate, then max-age.
    expect(cachePolicy(10, 30).live).toEqual({ maxAgeSeconds: 10, staleSeconds: 20 });
    expect(cachePolicy(10, 5).live).toEqual({ maxAgeSeconds: 5, staleSeconds: 0 });
    expect(cachePolicy(10, 0)).toEqual({ live: { maxAgeSeconds: 0, staleSeconds: 0 }, settled: { maxAgeSeconds: 0, staleSeconds: 0 } });
    for (const bound of [0, 1, 7, 3600, 86_400]) {
      for (const f of [cachePolicy(10, bound).live, cachePolicy(10, bound).settled]) expect(f.maxAgeSeconds + f.staleSeconds).toBeLessThanOrEqual(bound);
    }
  });
});

describe('sendPage', () => {
  let url: string;
  let close: () => void;
  const lm = Date.UTC(2026, 0, 2, 3, 4, 5);
  beforeAll(async () => {
    const app = express();
    app.get('/page', (req, res) => sendPage(req, res, '<p>hi</p>', { lastModified: lm, maxAgeSeconds: 30, staleSeconds: 180, noindex: true }));
    app.get('/future', (req, res) => sendPage(req, res, 'x', { lastModified: Date.now() + 3_600_000, maxAgeSeconds: 30, staleSeconds: 180 }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('sends the validators and caching headers', async () => {
    const res = await fetch(`${url}/page`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<p>hi</p>');
    expect(res.headers.get('etag')).toBe(strongEtag('<p>hi</p>'));
    expect(res.headers.get('last-modified')).toBe(new Date(lm).toUTCString());
    expect(res.headers.get('cache-control')).toBe('public, max-age=30, stale-while-revalidate=180');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers 304 without a body to either validator', async () => {
    const conditions: Array<Record<string, string>> = [{ 'if-none-match': strongEtag('<p>hi</p>') }, { 'if-modified-since': new Date(lm).toUTCString() }];
    for (const headers of conditions) {
      const res = await fetch(`${url}/page`, { headers });
      expect(res.status).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(strongEtag('<p>hi</p>'));
    }
  });

  it('never claims a Last-Modified in the future', async () => {
    const res = await fetch(`${url}/future`);
    expect(Date.parse(res.headers.get('last-modified')!)).toBeLessThanOrEqual(Date.now());
  });
});
