/** Audio and video that play without JavaScript: the view's player and file name, and the byte ranges the proxy serves. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { downloadName, fileBody } from '../../src/view/events/media.js';
import { parseRange, sliceStream } from '../../src/web/range.js';
import { ELEMENT_SHAPES, SPEC_MESSAGE_EXAMPLES } from '../fixtures/event-shapes.js';

const content = (name: string): Record<string, unknown> => [...ELEMENT_SHAPES, ...SPEC_MESSAGE_EXAMPLES].find((s) => s.name === name)!.content;

describe('audio and video bodies', () => {
  it('gives Element’s voice message a player and a file name with an extension', () => {
    const body = fileBody(content('voice message'), 'audio');
    expect(body).toMatchObject({ type: 'audio', name: 'Voice message', href: '/media/download/example.org/voice/Voice%20message.ogg', player: { src: '/media/download/example.org/voice/Voice%20message.ogg', type: 'audio/ogg' }, duration: '0:02' });
  });

  it('gives the spec’s video a player, and keeps a name that has an extension', () => {
    expect(fileBody(content('m.video'), 'video')).toMatchObject({ player: { type: 'video/mp4' }, href: '/media/download/example.org/a526eYUSFFxlgbQYZmo442/Gangnam%20Style.mp4' });
    expect(downloadName('clip.webm', 'video/mp4')).toBe('clip.webm');
    expect(downloadName('notes', 'application/x-unknown')).toBe('notes');
  });

  it('plays nothing whose type a browser would not play, or that claims another kind', () => {
    const base = { url: 'mxc://a/b', body: 'x' };
    expect(fileBody({ ...base, info: { mimetype: 'audio/x-ms-wma' } }, 'audio')).toMatchObject({ player: null });
    expect(fileBody({ ...base, info: { mimetype: 'video/mp4' } }, 'audio')).toMatchObject({ player: null });
    expect(fileBody({ ...base, info: { mimetype: 'text/html' } }, 'video')).toMatchObject({ player: null });
    expect(fileBody({ ...base }, 'video')).toMatchObject({ player: null });
    expect(fileBody({ ...base, info: { mimetype: 'audio/ogg' } }, 'file')).toMatchObject({ player: null });
  });
});

describe('byte ranges', () => {
  it('reads one range, open-ended and suffix ranges included', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ start: 900, end: 999 });
  });

  it('treats several ranges, other units and nonsense as the whole file, and answers what lies outside as unsatisfiable', () => {
    for (const header of [undefined, '', 'bytes=0-1,5-6', 'items=0-1', 'bytes=-', 'bytes=a-b']) expect(parseRange(header, 1000)).toBeNull();
    expect(parseRange('bytes=0-1', NaN)).toBeNull();
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
  });

  it('cuts exactly the range out of a stream of chunks', async () => {
    const data = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    const chunks = [data.subarray(0, 7), data.subarray(7, 40), data.subarray(40, 41), data.subarray(41)];
    for (const [start, end] of [[0, 0], [5, 9], [6, 41], [40, 40], [90, 99], [0, 99]] as const) {
      const out: Buffer[] = [];
      for await (const chunk of sliceStream(Readable.from(chunks), { start, end })) out.push(chunk);
      expect(Buffer.concat(out)).toEqual(data.subarray(start, end + 1));
    }
  });
});
