import type { MatrixEvent } from '../matrix/events.js';
import { isRecord } from '../matrix/events.js';
import { sanitizeFormattedBody } from './html/formatted.js';
import { stripPlainReplyFallback } from './html/plain.js';
import { isEditEvent, isThreadReply, relatesTo } from './events/relations.js';

/** What the archive indexes of an event, decided here so that search finds what pages show. */
export interface ArchiveDescription {
  text: string;
  /** A message as the calendar counts them: shown in a timeline, not an edit or reaction. */
  message: boolean;
  threadRoot: string | undefined;
  /**
   * For an edit (`m.replace` with `m.new_content`): the event it replaces and the new text.
   * The edit is never a result itself; the store puts this text in place of its target's
   * when the edit is the target's latest valid one (same sender and type).
   */
  replaces?: { eventId: string; text: string } | undefined;
}

const MESSAGE_TYPES = new Set(['m.room.message', 'm.sticker', 'm.poll.start', 'org.matrix.msc3381.poll.start', 'm.room.encrypted']);
const MAX_TEXT = 16_384;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** A formatted body as text: the same sanitiser as the pages (reply fallback and all), then its tags dropped. */
function formattedText(html: string): string {
  return sanitizeFormattedBody(html)
    .replace(/<(br|p|li|div|h\d|tr|blockquote)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, e: string) => ENTITIES[e] ?? '');
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function textOf(value: unknown): string {
  // Extensible events: `m.text` is a list of representations, or a string in older drafts.
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return str((value.find((v) => isRecord(v) && (v['mimetype'] === undefined || v['mimetype'] === 'text/plain')) as Record<string, unknown> | undefined)?.['body']);
  if (isRecord(value)) return str(value['m.text']) || textOf(value['m.text']) || str(value['body']);
  return '';
}

function pollText(content: Record<string, unknown>): string {
  const poll = isRecord(content['m.poll']) ? content['m.poll'] : isRecord(content['org.matrix.msc3381.poll.start']) ? content['org.matrix.msc3381.poll.start'] : undefined;
  if (!poll) return '';
  const question = textOf(poll['question']);
  const answers = Array.isArray(poll['answers']) ? poll['answers'].map((a) => (isRecord(a) ? textOf(a['m.text'] ?? a['org.matrix.msc1767.text'] ?? a) : '')) : [];
  return [question, ...answers].join(' ');
}

function messageText(content: Record<string, unknown>): string {
  const body = stripPlainReplyFallback(str(content['body']));
  const formatted = content['format'] === 'org.matrix.custom.html' ? str(content['formatted_body']) : '';
  const shown = formatted ? formattedText(formatted) : body;
  // Media: the file name, and the body when it is a caption rather than the name again.
  const filename = str(content['filename']);
  return filename && filename !== body ? `${filename} ${shown}` : shown;
}

/** Removes what the index must not hold: control characters and the snippet markers. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F\uE000\uE001]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
}

/** What search finds of a message's (or an edit's new) content. */
function contentText(type: string, content: Record<string, unknown>): string {
  if (type === 'm.room.message' || type === 'm.sticker') return messageText(content);
  if (type === 'm.poll.start' || type === 'org.matrix.msc3381.poll.start') return pollText(content) || str(content['body']);
  return '';
}

export function describeForArchive(event: MatrixEvent): ArchiveDescription {
  const relation = relatesTo(event.content);
  const threadRoot = isThreadReply(event) ? (relation?.eventId ?? undefined) : undefined;
  const redacted = isRecord(event.unsigned?.['redacted_because']);
  const message = MESSAGE_TYPES.has(event.type) && event.state_key === undefined && !isEditEvent(event) && !threadRoot;
  if (isEditEvent(event) && !redacted && relation?.eventId && isRecord(event.content['m.new_content'])) {
    return { text: '', message, threadRoot, replaces: { eventId: relation.eventId, text: clean(contentText(event.type, event.content['m.new_content'])) } };
  }
  if (redacted || isEditEvent(event) || event.state_key !== undefined) return { text: '', message, threadRoot };
  return { text: clean(contentText(event.type, event.content)), message, threadRoot };
}
