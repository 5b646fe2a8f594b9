import { describe, expect, it } from 'vitest';
import { isEventId, isRoomAlias, isRoomId, parseRoomRef } from '../../src/matrix/ids.js';
import { dayPath, downloadPath, encodeSegment, eventAnchor, eventLink, parseMxc, roomPath, thumbnailPath } from '../../src/view/urls.js';

describe('Matrix identifiers from URLs', () => {
  it('accepts room IDs of every version, aliases with or without #, and event IDs', () => {
    expect(parseRoomRef('!abc:example.org')).toEqual({ kind: 'id', roomId: '!abc:example.org' });
    expect(parseRoomRef('!3k4m9eMl1CYA82Vch5cjzWvpVwCFvzauq2wO0HR4ISA')).toEqual({ kind: 'id', roomId: '!3k4m9eMl1CYA82Vch5cjzWvpVwCFvzauq2wO0HR4ISA' });
    expect(parseRoomRef('#lobby:localhost')).toEqual({ kind: 'alias', alias: '#lobby:localhost' });
    expect(parseRoomRef('lobby:localhost')).toEqual({ kind: 'alias', alias: '#lobby:localhost' });
    expect(parseRoomRef('matrix:matrix.org:8448')).toEqual({ kind: 'alias', alias: '#matrix:matrix.org:8448' });
    expect(isEventId('$abc123:example.org')).toBe(true);
    expect(isEventId('$a+b/c=d')).toBe(true);
    expect(isEventId('$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg')).toBe(true);
  });

  it('rejects what is not one', () => {
    for (const bad of ['', 'lobby', '!', '!a b:x', '#no-server', 'a:b c', '!x:/etc', '#a:b:c:d/e', `!${'a'.repeat(300)}:x`]) {
      expect(parseRoomRef(bad), bad).toBeNull();
    }
    expect(isRoomId('#alias:x')).toBe(false);
    expect(isRoomAlias('!id:x')).toBe(false);
    expect(isEventId('not-an-event')).toBe(false);
    expect(isEventId('$a b')).toBe(false);
  });
});

describe('the URL builder', () => {
  it('keeps : @ ! readable and escapes everything else in a segment', () => {
    expect(encodeSegment('!a:b')).toBe('!a:b');
    expect(encodeSegment('$a+b/c=d')).toBe('%24a%2Bb%2Fc%3Dd');
    expect(encodeSegment('#x')).toBe('%23x');
  });

  it('names rooms by alias without # or by ID', () => {
    expect(roomPath('#lobby:localhost')).toBe('/room/lobby:localhost');
    expect(roomPath('!abc:localhost', { before: '$e/1' })).toBe('/room/!abc:localhost?before=%24e%2F1');
    expect(dayPath('#lobby:localhost', '2026-11-22')).toBe('/room/lobby:localhost/date/2026/11/22');
    expect(dayPath('#lobby:localhost', '2026-11-22', 3)).toBe('/room/lobby:localhost/date/2026/11/22?page=3');
  });

  it('builds permalinks with a fragment that is a valid id', () => {
    const link = eventLink('#lobby:localhost', '$a+b/c=');
    expect(link).toBe(`/room/lobby:localhost/event/%24a%2Bb%2Fc%3D#${eventAnchor('$a+b/c=')}`);
    expect(eventAnchor('$a+b/c=')).toMatch(/^[A-Za-z0-9._:!@-]+$/);
  });

  it('parses mxc URIs strictly and links only those', () => {
    expect(parseMxc('mxc://localhost/abcDEF_-1')).toEqual({ server: 'localhost', mediaId: 'abcDEF_-1' });
    expect(parseMxc('mxc://localhost:8448/abc')).toEqual({ server: 'localhost:8448', mediaId: 'abc' });
    for (const bad of ['https://x/y', 'mxc://x/../y', 'mxc://x/y/z', 'mxc://x', 'mxc:///y', 12, null, 'mxc://ev il/x']) expect(parseMxc(bad)).toBeNull();
    expect(thumbnailPath('mxc://localhost/abc', 32, 32)).toBe('/media/thumbnail/localhost/abc?width=32&height=32&method=crop');
    expect(downloadPath('mxc://localhost/abc', 'my file.txt')).toBe('/media/download/localhost/abc/my%20file.txt');
    expect(downloadPath('javascript:alert(1)')).toBeNull();
  });
});
