/**
 * Pinned messages: the sentence of an `m.room.pinned_events` change names what was pinned or
 * unpinned (an excerpt linked to it), and the room's current pins become a short list.
 */
import { isRecord, type MatrixEvent } from '../../matrix/events.js';
import { eventLink } from '../urls.js';
import { excerptOf } from './messages.js';
import { Relations } from './relations.js';
import type { SentencePart } from './types.js';

const EVENT_ID = /^\$[^\s/?#]{1,255}$/;
/** Pins beyond these are counted, not listed. */
export const MAX_PINS = 10;
const PIN_EXCERPT = 80;

/** The valid event IDs of a pinned-events content, in order, without repeats. */
export function pinnedIds(content: unknown): string[] {
  const pinned = isRecord(content) ? content['pinned'] : undefined;
  if (!Array.isArray(pinned)) return [];
  return [...new Set(pinned.filter((id): id is string => typeof id === 'string' && EVENT_ID.test(id)))];
}

/** Every event a pin change speaks of (for the loader to fetch the ones not at hand). */
export function pinChangeIds(event: MatrixEvent): string[] {
  if (event.type !== 'm.room.pinned_events' || event.state_key === undefined) return [];
  const now = pinnedIds(event.content);
  const before = pinnedIds(event.unsigned?.['prev_content']);
  return [...now.filter((id) => !before.includes(id)), ...before.filter((id) => !now.includes(id))].slice(0, MAX_PINS);
}

function describe(id: string, relations: Relations, roomRef: string): SentencePart {
  const target = relations.get(id);
  const label = !target ? 'a message' : relations.isRedacted(target) ? 'a deleted message' : `“${excerptOf(target, relations, PIN_EXCERPT)}”`;
  return { link: eventLink(roomRef, id), text: label, external: false };
}

function listed(ids: string[], relations: Relations, roomRef: string): SentencePart[] {
  const parts: SentencePart[] = [];
  ids.slice(0, 3).forEach((id, i) => {
    if (i > 0) parts.push({ text: i === ids.length - 1 || i === 2 ? ' and ' : ', ' });
    parts.push(describe(id, relations, roomRef));
  });
  if (ids.length > 3) parts.push({ text: ` and ${ids.length - 3} more` });
  return parts;
}

/** The sentence after the sender's name: " pinned “…”", " unpinned “…”", or both. */
export function pinSentence(event: MatrixEvent, relations: Relations, roomRef: string): SentencePart[] {
  const now = pinnedIds(event.content);
  const before = pinnedIds(event.unsigned?.['prev_content']);
  const added = now.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !now.includes(id));
  const parts: SentencePart[] = [];
  if (added.length > 0) parts.push({ text: ' pinned ' }, ...listed(added, relations, roomRef));
  if (removed.length > 0) parts.push({ text: added.length > 0 ? ', and unpinned ' : ' unpinned ' }, ...listed(removed, relations, roomRef));
  if (parts.length === 0) parts.push({ text: now.length === 0 ? ' cleared the pinned messages' : ' reordered the pinned messages' });
  return parts;
}

export interface PinView {
  href: string;
  /** The message's excerpt, or what it was ("a deleted message", "a message" when not known). */
  excerpt: string;
  /** Its sender's name, or null when the event is not known. */
  sender: string | null;
}

/**
 * The room's current pins, newest pin first as clients list them, from the events at hand
 * (`known`) and the senders' names (`nameOf`).
 */
export function buildPins(ids: readonly string[], known: readonly MatrixEvent[], nameOf: (userId: string) => string, roomRef: string): PinView[] {
  const relations = new Relations(known, []);
  return [...ids]
    .reverse()
    .slice(0, MAX_PINS)
    .map((id) => {
      const target = relations.get(id);
      if (!target) return { href: eventLink(roomRef, id), excerpt: 'a message this viewer cannot fetch', sender: null };
      const excerpt = relations.isRedacted(target) ? 'a deleted message' : excerptOf(target, relations, PIN_EXCERPT);
      return { href: eventLink(roomRef, id), excerpt, sender: nameOf(target.sender) };
    });
}
