/**
 * One event's view: the common fields, then by kind a message, poll, sentence (state changes,
 * calls, policy rules, pins), placeholder, or the neutral line. Pure; never throws for the
 * caller, who falls back to `fallbackView` if something unforeseen does.
 */
import type { MatrixEvent } from '../../matrix/events.js';
import { isEventId } from '../../matrix/ids.js';
import { renderPlainBody } from '../html.js';
import { dayPath, eventAnchor, eventLink, eventPlace, threadPath } from '../urls.js';
import { callSentence } from './calls.js';
import { utcDay } from '../../utc-day.js';
import { cleanLine, isoTime, timeLabel } from './format.js';
import { imageBody } from './media.js';
import { messageBody, replyView, shownContent } from './messages.js';
import { pinSentence } from './pins.js';
import { policySentence } from './policy.js';
import { parsePoll, pollOf, pollView, POLL_END_TYPES, POLL_START_TYPES, textFallback } from './polls.js';
import type { ProfileHistory } from './profiles.js';
import { isThreadReply, type Relations } from './relations.js';
import { stateSentence } from './state-sentences.js';
import { counted } from '../text.js';
import type { EventCommon, EventFooter, EventView, SentencePart } from './types.js';

export interface EventContext {
  roomId: string;
  roomRef: string;
  highlight: string | undefined;
  dayLinks: boolean;
  relations: Relations;
  profiles: ProfileHistory;
}

/** State types whose redacted content still says what happened (their key fields survive redaction). */
const SENTENCE_SURVIVES_REDACTION = new Set(['m.room.member', 'm.room.create', 'm.room.join_rules', 'm.room.history_visibility', 'm.room.power_levels']);

function common(event: MatrixEvent, ctx: EventContext): EventCommon {
  const { roomRef, relations, profiles } = ctx;
  const threadCount = isThreadReply(event) ? 0 : relations.threadCount(event);
  return {
    id: event.event_id,
    anchor: eventAnchor(event.event_id),
    permalink: eventPlace(roomRef, event.event_id, utcDay(event.origin_server_ts)),
    dayHref: ctx.dayLinks ? dayPath(roomRef, utcDay(event.origin_server_ts)) : null,
    type: event.type,
    sender: profiles.sender(event),
    ts: event.origin_server_ts,
    isoTime: isoTime(event.origin_server_ts),
    time: timeLabel(event.origin_server_ts),
    highlighted: ctx.highlight !== undefined && ctx.highlight === event.event_id,
    reactions: relations.reactions(event.event_id).map(({ key, reactions }) => {
      const senders = reactions.map((reaction) => profiles.name(reaction.sender, reaction));
      return { key, count: reactions.length, senders, title: senders.join(', ') };
    }),
    thread:
      threadCount > 0 && isEventId(event.event_id)
        ? { count: threadCount, href: threadPath(roomRef, event.event_id), label: `${counted(threadCount, 'reply', 'replies')} in thread` }
        : null,
    // Decided once the kind is known (presented()).
    classes: '',
    footer: null,
  };
}

/**
 * What the template decides nothing about: the block's classes, and the footer line (edited
 * for messages and polls, reactions, the thread, and the day link for all but sentences).
 */
function presented(view: EventView): EventView {
  const classes = `event ev-${view.kind}${view.kind === 'message' ? ` msg-${view.body.type}` : ''}${view.highlighted ? ' highlighted' : ''}`;
  const edited = (view.kind === 'message' || view.kind === 'poll') && view.edited;
  const dayHref = view.kind === 'state' ? null : view.dayHref;
  const footer: EventFooter | null =
    edited || view.reactions.length > 0 || view.thread !== null || dayHref !== null ? { edited, reactions: view.reactions.length > 0 ? view.reactions : null, thread: view.thread, dayHref } : null;
  return { ...view, classes, footer };
}

function unknownView(base: EventCommon, event: MatrixEvent): EventView {
  const what = event.state_key !== undefined ? 'changed the room state' : 'sent an event of a kind this viewer cannot show';
  return { ...base, kind: 'unknown', description: `${what} (${cleanLine(event.type, 100) ?? 'unknown'})`, count: 1 };
}

/** The sentence after the sender's name for the kinds that are told as one, or null. */
function sentenceOf(event: MatrixEvent, ctx: EventContext): SentencePart[] | null {
  if (event.type === 'm.room.pinned_events' && event.state_key !== undefined) return pinSentence(event, ctx.relations, ctx.roomRef);
  const told = policySentence(event) ?? callSentence(event);
  if (told) return told;
  if (POLL_END_TYPES.has(event.type)) {
    const poll = pollOf(event, ctx.relations);
    const target = poll ? { link: eventLink(ctx.roomRef, poll.start.event_id), text: `“${poll.poll.question}”`, external: false } : { text: 'a poll' };
    return [{ text: ' ended the poll ' }, target];
  }
  return null;
}

export function eventView(event: MatrixEvent, ctx: EventContext): EventView {
  return presented(describe(event, ctx));
}

function describe(event: MatrixEvent, ctx: EventContext): EventView {
  const base = common(event, ctx);
  const { relations, profiles } = ctx;
  const redaction = relations.redaction(event);
  const isState = event.state_key !== undefined;
  if (redaction && !(isState && SENTENCE_SURVIVES_REDACTION.has(event.type))) {
    const bySender = redaction.sender === event.sender;
    const by = redaction.sender === null || bySender ? null : profiles.name(redaction.sender);
    return { ...base, kind: 'redacted', by, bySender, reason: redaction.reason, state: isState, label: isState ? 'Event deleted' : 'Message deleted' };
  }
  const told = sentenceOf(event, ctx);
  if (told) return { ...base, kind: 'state', sentence: [{ name: profiles.name(event.sender, event) }, ...told] };
  if (isState) {
    const sentence = stateSentence(event, profiles, ctx.roomId);
    return sentence ? { ...base, kind: 'state', sentence } : unknownView(base, event);
  }
  const reply = (): ReturnType<typeof replyView> => replyView(event, relations, profiles, ctx.roomRef);
  switch (event.type) {
    case 'm.room.encrypted':
      return { ...base, kind: 'encrypted' };
    case 'm.room.message': {
      const { content, edited } = shownContent(event, relations);
      return { ...base, kind: 'message', body: messageBody(content), edited, reply: reply() };
    }
    case 'm.sticker': {
      const { content, edited } = shownContent(event, relations);
      return { ...base, kind: 'message', body: imageBody(content, 'sticker'), edited, reply: reply() };
    }
  }
  const { content, edited } = shownContent(event, relations);
  const poll = POLL_START_TYPES.has(event.type) ? parsePoll(content) : null;
  if (poll) return { ...base, kind: 'poll', poll: pollView(event, poll, relations), edited };
  // Extensible events (MSC1767) carry a text fallback for clients that do not know the type.
  const fallback = textFallback(content);
  if (fallback !== null) return { ...base, kind: 'message', body: { type: 'notice', html: renderPlainBody(fallback) }, edited, reply: reply() };
  return unknownView(base, event);
}

/** The last resort for an event whose view could not be built: a neutral line, never an error page. */
export function fallbackView(event: MatrixEvent, ctx: EventContext): EventView {
  return presented({
    id: event.event_id,
    anchor: eventAnchor(event.event_id),
    permalink: eventPlace(ctx.roomRef, event.event_id, utcDay(event.origin_server_ts)),
    dayHref: ctx.dayLinks ? dayPath(ctx.roomRef, utcDay(event.origin_server_ts)) : null,
    type: event.type,
    sender: { userId: event.sender, name: cleanLine(event.sender, 100) ?? 'unknown user', avatar: null, letter: '?' },
    ts: event.origin_server_ts,
    isoTime: isoTime(event.origin_server_ts),
    time: timeLabel(event.origin_server_ts),
    highlighted: ctx.highlight === event.event_id,
    reactions: [],
    thread: null,
    classes: '',
    footer: null,
    kind: 'unknown',
    description: 'sent an event that cannot be shown',
    count: 1,
  });
}
