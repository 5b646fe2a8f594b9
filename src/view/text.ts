/**
 * Small text helpers of the view layer, in one place (Nitter's formatters.nim): clipping,
 * plain text of sanitised HTML and of message bodies, display names of rooms, and counted
 * nouns. Pure; they never throw.
 */
import type { MessageBody } from './events/types.js';

/** Collapses whitespace and cuts at a word boundary, for titles and descriptions. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** "1 member", "3 members": the noun agrees with the count; `format` writes the number. */
export function counted(n: number, one: string, many: string, format: (n: number) => string = String): string {
  return `${format(n)} ${n === 1 ? one : many}`;
}

/** A room as people know it: its name, else its address, else its ID; at most 120 characters. */
export function roomDisplayName(room: { name?: string | undefined; canonicalAlias?: string | undefined; roomId: string }): string {
  return clip(room.name ?? room.canonicalAlias ?? room.roomId, 120);
}

/** What an attachment is called on the page, in a feed and in structured data. */
export const MEDIA_LABELS = { image: 'Image', sticker: 'Sticker', file: 'File', audio: 'Audio', video: 'Video' } as const;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of sanitised HTML: tags dropped, entities decoded, whitespace collapsed. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(?:br|\/p|\/li|\/h\d|\/blockquote|\/pre)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/** A message body as plain text: what it says, or what it is ("Image: cat.png"). */
export function bodyText(body: MessageBody): string {
  switch (body.type) {
    case 'text':
    case 'notice':
    case 'emote':
      return htmlToText(body.html);
    case 'image':
    case 'sticker':
      return body.caption ? htmlToText(body.caption) : `${body.label}: ${body.alt || body.name}`;
    case 'file':
    case 'audio':
    case 'video':
      return body.caption ? htmlToText(body.caption) : `${body.label}: ${body.name}`;
    case 'location':
      return `Location: ${body.description}`;
    case 'invalid':
      return `An invalid ${body.what}${body.name ? `: ${body.name}` : ''}`;
    case 'unknown':
      return body.html ? htmlToText(body.html) : 'A message of a kind this viewer cannot show';
  }
}
