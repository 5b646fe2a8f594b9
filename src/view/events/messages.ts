/**
 * Message bodies (`m.room.message` and `m.sticker`) and reply quotes. Formatted bodies go
 * through the one sanitiser; plain ones lose their reply fallback and are escaped.
 */
import { isRecord, type MatrixEvent } from '../../matrix/events.js';
import { plainExcerpt, renderPlainBody, sanitizeFormattedBody, stripPlainReplyFallback } from '../html.js';
import type { SafeHtml } from '../safe-html.js';
import { isEventId } from '../../matrix/ids.js';
import { eventLink } from '../urls.js';
import { cleanLine } from './format.js';
import { fileBody, imageBody, locationBody } from './media.js';
import { extensibleText, parsePoll, POLL_START_TYPES } from './polls.js';
import type { ProfileHistory } from './profiles.js';
import { relatesTo, type Relations } from './relations.js';
import type { MessageBody, ReplyView } from './types.js';

type Content = Record<string, unknown>;

export const REPLY_EXCERPT_LENGTH = 140;

/** The body as HTML: `formatted_body` when the format says HTML, else the plain `body`; null when neither. */
export function textHtml(content: Content): SafeHtml | null {
  const formatted = content['formatted_body'];
  if (content['format'] === 'org.matrix.custom.html' && typeof formatted === 'string') return sanitizeFormattedBody(formatted);
  const body = content['body'];
  return typeof body === 'string' ? renderPlainBody(stripPlainReplyFallback(body)) : null;
}

/** The body of an `m.room.message` content (or an edit's `m.new_content`). Never throws. */
export function messageBody(content: Content): MessageBody {
  const msgtype = content['msgtype'];
  switch (msgtype) {
    case 'm.text':
    case 'm.notice':
    case 'm.emote': {
      const html = textHtml(content);
      if (html === null) return { type: 'unknown', msgtype, html: null };
      return { type: msgtype === 'm.text' ? 'text' : msgtype === 'm.notice' ? 'notice' : 'emote', html };
    }
    case 'm.image':
      return imageBody(content, 'image');
    case 'm.file':
      return fileBody(content, 'file');
    case 'm.audio':
      return fileBody(content, 'audio');
    case 'm.video':
      return fileBody(content, 'video');
    case 'm.location':
      return locationBody(content);
    default: {
      const body = content['body'];
      return {
        type: 'unknown',
        msgtype: cleanLine(msgtype, 100),
        html: typeof body === 'string' ? renderPlainBody(stripPlainReplyFallback(body)) : null,
      };
    }
  }
}

/** The content to show for a message: the latest valid edit's `m.new_content`, else its own. */
export function shownContent(event: MatrixEvent, relations: Relations): { content: Content; edited: boolean } {
  const edit = relations.latestEdit(event);
  const replacement = edit?.content['m.new_content'];
  return isRecord(replacement) ? { content: replacement, edited: true } : { content: event.content, edited: false };
}

const DESCRIPTIONS: Record<string, string> = {
  'm.image': 'an image',
  'm.file': 'a file',
  'm.audio': 'an audio clip',
  'm.video': 'a video',
  'm.location': 'a location',
  'm.sticker': 'a sticker',
  'm.room.encrypted': 'an encrypted message',
};

/** A short plain text of what an event says or is: for reply quotes, pins and permalink notes. */
export function excerptOf(event: MatrixEvent, relations: Relations, max = REPLY_EXCERPT_LENGTH): string {
  const { content } = shownContent(event, relations);
  if (POLL_START_TYPES.has(event.type)) {
    const question = parsePoll(content)?.question;
    return question ? `Poll: ${plainExcerpt(question, max)}` : 'a poll';
  }
  const body = content['body'] ?? extensibleText(content, max);
  const msgtype = typeof content['msgtype'] === 'string' ? content['msgtype'] : '';
  if (msgtype === 'm.image' || msgtype === 'm.file' || msgtype === 'm.audio' || msgtype === 'm.video') {
    const name = cleanLine(body, max);
    return name ? `${DESCRIPTIONS[msgtype]}: ${name}` : DESCRIPTIONS[msgtype]!;
  }
  if (typeof body === 'string' && body.trim() !== '') return plainExcerpt(body, max);
  return DESCRIPTIONS[event.type] ?? DESCRIPTIONS[msgtype] ?? 'a message';
}

/**
 * The quote of the event a message replies to, or null when it is not a reply. A thread
 * reply's `m.in_reply_to` that is only a fallback (`is_falling_back`) is not a reply.
 */
export function replyView(event: MatrixEvent, relations: Relations, profiles: ProfileHistory, roomRef: string): ReplyView | null {
  const rel = relatesTo(event.content);
  if (!rel?.inReplyTo || (rel.relType === 'm.thread' && rel.isFallingBack)) return null;
  // A target ID that breaks the grammar has no page to link to.
  if (!isEventId(rel.inReplyTo)) return null;
  const href = eventLink(roomRef, rel.inReplyTo);
  const target = relations.get(rel.inReplyTo);
  if (!target) return { found: false, href };
  const senderName = profiles.name(target.sender, target);
  if (relations.isRedacted(target)) return { found: true, href, senderName, excerpt: '', deleted: true };
  return { found: true, href, senderName, excerpt: excerptOf(target, relations), deleted: false };
}
