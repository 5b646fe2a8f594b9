/**
 * The small shared modules: the UTC day, the text helpers, the pager models, and the one
 * server-name grammar, link check, thumbnail table and page-number parser.
 */
import { describe, expect, it } from 'vitest';
import { BadRequest } from '../../src/errors.js';
import { isServerName } from '../../src/matrix/ids.js';
import { optionalString } from '../../src/matrix/wellformed.js';
import { dayNoon, dayStart, isCalendarDay, utcDay } from '../../src/utc-day.js';
import { checkUrl, MAX_HREF_LENGTH, WEB_PROTOCOLS } from '../../src/view/html/links.js';
import { buildDayNav, neighbours, numberPager, pageNote, stepPager } from '../../src/view/pager.js';
import { clip, counted, roomDisplayName } from '../../src/view/text.js';
import { DEFAULT_THUMBNAILS, parseMxc, thumbnailBox } from '../../src/view/urls.js';
import { pageParam } from '../../src/web/query.js';

describe('the UTC day', () => {
  it('is the day of a timestamp in UTC, and never throws', () => {
    expect(utcDay(Date.UTC(2026, 10, 29, 23, 59, 59))).toBe('2026-11-29');
    expect(utcDay(Date.UTC(2026, 10, 30))).toBe('2026-11-30');
    // toISOString throws for these; the day is clamped to one a URL can name.
    expect(utcDay(8.64e15)).toBe('9999-09-13');
    expect(utcDay(1e308)).toBe('1970-01-01');
    expect(utcDay(Number.NaN)).toBe('1970-01-01');
  });

  it('knows a day’s start and noon, and which days are real', () => {
    expect(dayStart('2026-11-29')).toBe(Date.UTC(2026, 10, 29));
    expect(dayNoon('2026-11-29')).toBe(Date.UTC(2026, 10, 29, 12));
    expect(isCalendarDay('2024-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '20261101', '', '2026-11-29T00']) expect(isCalendarDay(bad), bad).toBe(false);
  });
});

describe('text helpers', () => {
  it('clips at a word, counts nouns, names rooms', () => {
    expect(clip('  a   b  ', 10)).toBe('a b');
    expect(clip('hello wonderful world', 18)).toBe('hello wonderful…');
    expect(clip('hello wonderful world', 12)).toBe('hello wonde…');
    expect(counted(1, 'reply', 'replies')).toBe('1 reply');
    expect(counted(1234, 'member', 'members', (n) => n.toLocaleString('en-US'))).toBe('1,234 members');
    expect(roomDisplayName({ name: undefined, canonicalAlias: '#a:b', roomId: '!x:b' })).toBe('#a:b');
    expect(roomDisplayName({ roomId: '!x:b' })).toBe('!x:b');
    expect(roomDisplayName({ name: 'n'.repeat(300), roomId: '!x:b' })).toHaveLength(120);
  });

  it('reads a string field once, at the edge', () => {
    expect(optionalString('a\u0000b')).toBe('ab');
    expect(optionalString('')).toBeUndefined();
    expect(optionalString(3)).toBeUndefined();
  });
});

describe('the pager models', () => {
  const href = (n: number): string => `/list?page=${n}`;

  it('steps to the neighbouring pages, with a bar only between two', () => {
    expect(neighbours(1, 3, href)).toEqual({ prevHref: undefined, nextHref: '/list?page=2' });
    expect(neighbours(3, 3, href)).toEqual({ prevHref: '/list?page=2', nextHref: undefined });
    expect(stepPager({ label: 'L' }, undefined, undefined)).toBeUndefined();
    expect(stepPager({ label: 'L' }, '/a', undefined)).toEqual({ label: 'L', prev: { href: '/a', text: 'Previous page' }, next: undefined, between: false, numbers: undefined });
    expect(stepPager({ label: 'L', prev: 'Earlier', next: 'Later' }, '/a', '/b')).toMatchObject({ prev: { text: 'Earlier' }, next: { text: 'Later' }, between: true });
  });

  it('numbers the pages of a list of several, the current one marked', () => {
    expect(numberPager('Pages', 1, 1, href)).toBeUndefined();
    expect(numberPager('Pages', 2, 3, href)?.numbers).toEqual([
      { href: '/list?page=1', number: 1, current: false },
      { href: '/list?page=2', number: 2, current: true },
      { href: '/list?page=3', number: 3, current: false },
    ]);
    expect(pageNote(1, 1)).toBeUndefined();
    expect(pageNote(2, 3)).toBe('Page 2 of 3');
  });

  it('leads from a day to its neighbours', () => {
    const nav = buildDayNav('#r:x', '/room/r:x', '2026-11-20', undefined);
    expect(nav).toEqual({ previous: { href: '/room/r:x/date/2026/11/20', label: 'Friday 20 November 2026' }, next: undefined, between: false, latestHref: '/room/r:x' });
    expect(buildDayNav('#r:x', '/room/r:x', '2026-11-20', '2026-11-22').between).toBe(true);
  });
});

describe('one grammar, one check, one table, one parser', () => {
  it('names servers one way everywhere', () => {
    for (const good of ['matrix.org', 'localhost:8448', '127.0.0.1', '[::1]:8008', 'a-b.example']) expect(isServerName(good), good).toBe(true);
    for (const bad of ['bad..name', '-a.org', 'a-.org', 'a_b.org', 'evil.invalid/../x', '127.0.0.1:8008@evil', '', 'x'.repeat(256)]) expect(isServerName(bad), bad).toBe(false);
    expect(parseMxc('mxc://bad..name/abc')).toBeNull();
  });

  it('checks every link with one length cap, before and after parsing', () => {
    expect(checkUrl(`https://example.org/${'a'.repeat(MAX_HREF_LENGTH)}`, WEB_PROTOCOLS)).toEqual({ ok: false, code: 'too-long' });
    // Short as typed, long once parsed: a space becomes %20.
    expect(checkUrl(`https://example.org/${' x'.repeat(MAX_HREF_LENGTH / 2 - 20)}`, WEB_PROTOCOLS)).toEqual({ ok: false, code: 'too-long' });
    expect(checkUrl('https://a@example.org/', WEB_PROTOCOLS)).toEqual({ ok: false, code: 'credentials' });
    expect(checkUrl('mailto:a@example.org', WEB_PROTOCOLS)).toEqual({ ok: false, code: 'not-allowed' });
    expect(checkUrl('mailto:a@example.org', new Set(['mailto:']))).toMatchObject({ ok: true, href: 'mailto:a@example.org' });
  });

  it('snaps thumbnails to one table', () => {
    expect(thumbnailBox(48, 48)).toEqual([48, 48]);
    expect(thumbnailBox(213, 240)).toEqual([320, 240]);
    expect(thumbnailBox(5000, 10)).toEqual([800, 600]);
    expect(thumbnailBox(40, 40, DEFAULT_THUMBNAILS)).toEqual([96, 96]);
  });

  it('parses page numbers one way', () => {
    expect(pageParam(undefined)).toBe(1);
    expect(pageParam('')).toBe(1);
    expect(pageParam('99999')).toBe(99999);
    for (const bad of ['0', '-1', '1.5', '100000', 'x', ['1', '2']]) expect(() => pageParam(bad), String(bad)).toThrow(BadRequest);
  });
});
