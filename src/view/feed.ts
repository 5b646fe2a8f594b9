/**
 * A room's latest messages as an Atom feed (RFC 4287), from the timeline view model: pure.
 * Entries are the room's messages, newest first, each with its permalink, its sender as
 * author, and its sanitised HTML as `type="html"` content (escaped once more for XML).
 */
import type { RoomContext, SiteContext } from './room.js';
import type { EventView, MessageBody, TimelineView } from './timeline.js';
import { w3cDate, xmlEscape } from './sitemap.js';
import { absoluteUrl, eventPath, roomPath, roomSubPath } from './urls.js';
import { bodyText, clip } from './text.js';

export const FEED_TYPE = 'application/atom+xml';
export const FEED_ENTRIES = 30;

type MessageView = Extract<EventView, { kind: 'message' }>;

/** A body as HTML for a feed reader: sanitised HTML as is, media as links. Relative links resolve against xml:base. */
function bodyHtml(body: MessageBody): string {
  const esc = xmlEscape;
  switch (body.type) {
    case 'text':
    case 'notice':
    case 'emote':
      return body.html;
    case 'image':
    case 'sticker': {
      const img = body.image ? `<img src="${esc(body.image.src)}" alt="${esc(body.alt)}"${body.image.width ? ` width="${body.image.width}"` : ''}${body.image.height ? ` height="${body.image.height}"` : ''}><br>` : '';
      return `<p>${img}<a href="${esc(body.href)}">${esc(body.name)}</a>${body.size ? ` (${esc(body.size)})` : ''}</p>${body.caption ?? ''}`;
    }
    case 'file':
    case 'audio':
    case 'video':
      return `<p><a href="${esc(body.href)}">${esc(body.name)}</a>${body.size ? ` (${esc(body.size)})` : ''}</p>${body.caption ?? ''}`;
    case 'location':
      return body.mapHref ? `<p><a href="${esc(body.mapHref)}">${esc(body.description)}</a></p>` : `<p>${esc(body.description)}</p>`;
    default:
      return `<p>${esc(bodyText(body))}</p>`;
  }
}

function messages(timeline: TimelineView): MessageView[] {
  const out: MessageView[] = [];
  for (const item of timeline.items) if (item.kind === 'event' && item.event.kind === 'message') out.push(item.event);
  return out;
}

export interface FeedInput {
  room: RoomContext;
  site: SiteContext;
  timeline: TimelineView;
  /** When the room last changed (ms), for the feed's `updated` when it has no entries. */
  lastModified: number;
  maxEntries?: number;
}

/** Absolute path of a room's feed, for `<link rel="alternate">`. */
export function feedAlternate(room: RoomContext): { href: string; type: string; title: string } {
  return { href: roomSubPath(room.ref, 'feed.atom'), type: FEED_TYPE, title: `${room.name}: latest messages (Atom)` };
}

export function buildFeed(input: FeedInput): { xml: string; updated: number } {
  const { room, site } = input;
  const abs = (path: string): string => absoluteUrl(site.publicUrl, path);
  const entries = messages(input.timeline).slice(-(input.maxEntries ?? FEED_ENTRIES)).reverse();
  const updated = entries.reduce((max, e) => Math.max(max, e.ts), 0) || input.lastModified;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">`,
    // The room ID never changes, unlike its alias: the feed's and entries' IDs use it.
    `<id>${xmlEscape(abs(roomPath(room.roomId)))}</id>`,
    `<title>${xmlEscape(`${room.name} · ${site.siteName}`)}</title>`,
    room.topic ? `<subtitle>${xmlEscape(room.topic)}</subtitle>` : '',
    `<updated>${w3cDate(updated)}</updated>`,
    `<link rel="self" type="${FEED_TYPE}" href="${xmlEscape(abs(roomSubPath(room.ref, 'feed.atom')))}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlEscape(abs(roomPath(room.ref)))}"/>`,
    room.avatar ? `<icon>${xmlEscape(abs(room.avatar))}</icon>` : '',
    `<generator>${xmlEscape(site.siteName)}</generator>`,
  ];
  for (const e of entries) {
    const text = bodyText(e.body);
    lines.push(
      '<entry>',
      `<id>${xmlEscape(abs(eventPath(room.roomId, e.id)))}</id>`,
      `<title>${xmlEscape(`${e.sender.name}: ${clip(text, 100) || 'a message'}`)}</title>`,
      `<link rel="alternate" type="text/html" href="${xmlEscape(abs(e.permalink))}"/>`,
      `<published>${w3cDate(e.ts)}</published>`,
      `<updated>${w3cDate(e.ts)}</updated>`,
      `<author><name>${xmlEscape(e.sender.name)}</name></author>`,
      `<content type="html" xml:base="${xmlEscape(abs('/'))}">${xmlEscape(bodyHtml(e.body))}</content>`,
      '</entry>',
    );
  }
  lines.push('</feed>', '');
  return { xml: lines.filter((line) => line !== '').join('\n'), updated };
}
