/**
 * Permalinks of events that have no block of their own (reactions, edits, redactions, poll
 * votes): which event the page shows instead, and the line that says what the
 * linked event was ("The linked event is a 👍 reaction by Alice to the highlighted message.").
 */
import type { MatrixEvent } from '../../matrix/events.js';
import { cleanLine } from './format.js';
import { MAX_REACTION_KEY, relatesTo } from './relations.js';

/** The event a relation-only event is about, or null when the event has a block of its own. */
export function relationTarget(event: MatrixEvent): string | null {
  if (event.type === 'm.room.redaction') return event.redacts ?? null;
  const rel = relatesTo(event.content);
  if (!rel?.eventId || event.state_key !== undefined) return null;
  if (rel.relType === 'm.annotation' || rel.relType === 'm.replace') return rel.eventId;
  if (rel.relType === 'm.reference' && /\.poll\.response$/.test(event.type)) return rel.eventId;
  return null;
}

/** The thread root of a thread reply, or null. */
export function threadRootOf(event: MatrixEvent): string | null {
  const rel = relatesTo(event.content);
  return event.state_key === undefined && rel?.relType === 'm.thread' && rel.eventId ? rel.eventId : null;
}

/** The line above a page that shows `target` for the linked `event`. */
export function linkedEventNote(event: MatrixEvent, senderName: string, targetFound: boolean): string {
  const what = targetFound ? 'the highlighted message' : 'a message this viewer cannot show';
  if (event.type === 'm.room.redaction') return `The linked event is the deletion by ${senderName} of ${what}.`;
  const rel = relatesTo(event.content);
  if (rel?.relType === 'm.annotation') {
    const key = cleanLine(rel.key, MAX_REACTION_KEY);
    return `The linked event is a ${key ? `${key} ` : ''}reaction by ${senderName} to ${what}.`;
  }
  if (rel?.relType === 'm.replace') return `The linked event is an edit by ${senderName} of ${what}.`;
  return `The linked event is a vote by ${senderName} in ${targetFound ? 'the highlighted poll' : 'a poll'}.`;
}
