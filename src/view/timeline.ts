/**
 * The timeline view model: a page of raw events (oldest first) becomes day separators and
 * event views, with edits, reactions, redactions, replies and threads folded in, and each
 * sender shown as they were at the event. Pure; never throws on malformed events.
 *
 * The rules per kind of event live in events/: relations.ts (aggregation), profiles.ts
 * (names at the event), messages.ts and media.ts (bodies), membership.ts and
 * state-sentences.ts (state events as sentences), format.ts (times, sizes, names).
 */
import type { MatrixEvent } from '../matrix/events.js';
import { cleanLine, dayLabel, isoTime, timeLabel, utcDay } from './events/format.js';
import { imageBody } from './events/media.js';
import { messageBody, replyView, shownContent } from './events/messages.js';
import { ProfileHistory } from './events/profiles.js';
import { isEditEvent, isThreadReply, Relations } from './events/relations.js';
import { HIDDEN_STATE_TYPES, powerLevelUsers, stateSentence } from './events/state-sentences.js';
import type { EventCommon, EventView } from './events/types.js';
import { dayPath, eventAnchor, eventLink, threadPath } from './urls.js';

export type {
  EventCommon,
  EventView,
  ImageView,
  MessageBody,
  ReactionView,
  ReplyView,
  SenderView,
  SentencePart,
  ThreadView,
} from './events/types.js';

export interface TimelineInput {
  roomId: string;
  /** The room's canonical alias or room ID: every link is built from it with urls.ts. */
  roomRef: string;
  /** The page's raw events, chronological (oldest first), including kinds that are hidden. */
  events: MatrixEvent[];
  /** Other events known around the page (e.g. the cached latest window, fetched reply targets);
   *  used only to aggregate edits, reactions, redactions, thread counts and reply quotes. May overlap `events`. */
  related: MatrixEvent[];
  /** m.room.member state events as of AFTER the newest event of `events` (lazy-loaded state or current state). */
  members: MatrixEvent[];
  /** The event to highlight (permalink pages). */
  highlight?: string | undefined;
  /** Whether thread replies are shown (thread page) or hidden (main timeline). */
  mode: 'main' | 'thread';
  /** False on a day page: its messages need no link to the page they are on. */
  dayLinks?: boolean;
}

export type TimelineItem =
  | { kind: 'day'; day: string; label: string; href: string }
  | { kind: 'event'; event: EventView };

export interface TimelineView {
  /** Day separators and events, chronological. */
  items: TimelineItem[];
  /** Number of visible events. */
  count: number;
}

/** State types whose redacted content still says what happened (their key fields survive redaction). */
const SENTENCE_SURVIVES_REDACTION = new Set(['m.room.member', 'm.room.create', 'm.room.join_rules', 'm.room.history_visibility', 'm.room.power_levels']);

/** Whether an event has its own block in the timeline. */
export function isVisible(event: MatrixEvent, mode: 'main' | 'thread'): boolean {
  if (event.type === 'm.reaction' || event.type === 'm.room.redaction') return false;
  if (isEditEvent(event)) return false;
  if (mode === 'main' && isThreadReply(event)) return false;
  return !(event.state_key !== undefined && HIDDEN_STATE_TYPES.has(event.type));
}

interface Context {
  input: TimelineInput;
  relations: Relations;
  profiles: ProfileHistory;
}

function common(event: MatrixEvent, { input, relations, profiles }: Context): EventCommon {
  const { roomRef } = input;
  const threadCount = isThreadReply(event) ? 0 : relations.threadCount(event);
  return {
    id: event.event_id,
    anchor: eventAnchor(event.event_id),
    permalink: eventLink(roomRef, event.event_id),
    dayHref: input.dayLinks === false ? null : dayPath(roomRef, utcDay(event.origin_server_ts)),
    type: event.type,
    sender: profiles.sender(event),
    ts: event.origin_server_ts,
    isoTime: isoTime(event.origin_server_ts),
    time: timeLabel(event.origin_server_ts),
    highlighted: input.highlight !== undefined && input.highlight === event.event_id,
    reactions: relations.reactions(event.event_id).map(({ key, reactions }) => ({
      key,
      count: reactions.length,
      senders: reactions.map((reaction) => profiles.name(reaction.sender, reaction)),
    })),
    thread: threadCount > 0 ? { count: threadCount, href: threadPath(roomRef, event.event_id) } : null,
  };
}

function eventView(event: MatrixEvent, ctx: Context): EventView {
  const base = common(event, ctx);
  const { relations, profiles, input } = ctx;
  const redaction = relations.redaction(event);
  const isState = event.state_key !== undefined;
  if (redaction && !(isState && SENTENCE_SURVIVES_REDACTION.has(event.type))) {
    const bySender = redaction.sender === event.sender;
    const by = redaction.sender === null || bySender ? null : profiles.name(redaction.sender);
    return { ...base, kind: 'redacted', by, bySender, reason: redaction.reason, state: isState };
  }
  if (isState) {
    const sentence = stateSentence(event, profiles, input.roomId);
    if (sentence) return { ...base, kind: 'state', sentence };
    return { ...base, kind: 'unknown', description: `changed the room state (${cleanLine(event.type, 100) ?? 'unknown'})` };
  }
  switch (event.type) {
    case 'm.room.encrypted':
      return { ...base, kind: 'encrypted' };
    case 'm.room.message': {
      const { content, edited } = shownContent(event, relations);
      return { ...base, kind: 'message', body: messageBody(content), edited, reply: replyView(event, relations, profiles, input.roomRef) };
    }
    case 'm.sticker': {
      const { content, edited } = shownContent(event, relations);
      return { ...base, kind: 'message', body: imageBody(content, 'sticker'), edited, reply: replyView(event, relations, profiles, input.roomRef) };
    }
    default:
      return { ...base, kind: 'unknown', description: `sent an event of a kind this viewer cannot show (${cleanLine(event.type, 100) ?? 'unknown'})` };
  }
}

/** The last resort for an event whose view could not be built: a neutral line, never an error page. */
function fallbackView(event: MatrixEvent, ctx: Context): EventView {
  const base: EventCommon = {
    id: event.event_id,
    anchor: eventAnchor(event.event_id),
    permalink: eventLink(ctx.input.roomRef, event.event_id),
    dayHref: ctx.input.dayLinks === false ? null : dayPath(ctx.input.roomRef, utcDay(event.origin_server_ts)),
    type: event.type,
    sender: { userId: event.sender, name: cleanLine(event.sender, 100) ?? 'unknown user', avatar: null, letter: '?' },
    ts: event.origin_server_ts,
    isoTime: isoTime(event.origin_server_ts),
    time: timeLabel(event.origin_server_ts),
    highlighted: ctx.input.highlight === event.event_id,
    reactions: [],
    thread: null,
  };
  return { ...base, kind: 'unknown', description: 'sent an event that cannot be shown' };
}

export function buildTimeline(input: TimelineInput): TimelineView {
  const events = input.events;
  const relations = new Relations(events, input.related);
  const profiles = new ProfileHistory(input.members, events, (event) =>
    event.type === 'm.room.member' && event.state_key !== undefined ? [event.state_key] : powerLevelUsers(event),
  );
  const ctx: Context = { input, relations, profiles };
  const items: TimelineItem[] = [];
  const seen = new Set<string>();
  let lastDay: string | null = null;
  let count = 0;
  for (const event of events) {
    if (seen.has(event.event_id) || !isVisible(event, input.mode)) continue;
    seen.add(event.event_id);
    let view: EventView;
    try {
      view = eventView(event, ctx);
    } catch {
      view = fallbackView(event, ctx);
    }
    const day = utcDay(event.origin_server_ts);
    if (day !== lastDay) {
      items.push({ kind: 'day', day, label: dayLabel(event.origin_server_ts), href: dayPath(input.roomRef, day) });
      lastDay = day;
    }
    items.push({ kind: 'event', event: view });
    count++;
  }
  return { items, count };
}
