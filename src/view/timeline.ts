/**
 * The timeline view model: a page of raw events (oldest first) becomes day separators and
 * event views, with edits, reactions, redactions, replies and threads folded in, and each
 * sender shown as they were at the event. Pure; never throws on malformed events.
 *
 * The rules per kind of event live in events/: event-view.ts (one event's view), hidden.ts
 * (what clients hide), folds.ts (folded runs), relations.ts (aggregation), profiles.ts
 * (names at the event), messages.ts, media.ts and polls.ts (bodies), membership.ts,
 * state-sentences.ts, calls.ts, pins.ts and policy.ts (sentences), format.ts (helpers).
 */
import type { MatrixEvent } from '../matrix/events.js';
import { callStarts, joinsCall } from './events/calls.js';
import { eventView, fallbackView, type EventContext } from './events/event-view.js';
import { foldRuns, type FoldView } from './events/folds.js';
import { utcDay } from '../utc-day.js';
import { dayLabel } from './events/format.js';
import { isHiddenEvent } from './events/hidden.js';
import { ProfileHistory } from './events/profiles.js';
import { isEditEvent, isThreadReply, Relations } from './events/relations.js';
import { powerLevelUsers } from './events/state-sentences.js';
import type { EventView } from './events/types.js';
import { dayPath } from './urls.js';

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
  PollView,
} from './events/types.js';
export type { FoldView };

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
  | { kind: 'event'; event: EventView }
  | { kind: 'fold'; fold: FoldView };

export interface TimelineView {
  /** Day separators, events and folded runs, chronological. */
  items: TimelineItem[];
  /** Number of visible events (those inside folds included). */
  count: number;
}

/**
 * Whether an event has its own block in the timeline, judged from the event alone (the
 * builder also hides the call member events that join a running call).
 */
export function isVisible(event: MatrixEvent, mode: 'main' | 'thread'): boolean {
  if (event.type === 'm.reaction' || event.type === 'm.room.redaction') return false;
  if (isEditEvent(event)) return false;
  if (mode === 'main' && isThreadReply(event)) return false;
  return !isHiddenEvent(event, joinsCall);
}

export function buildTimeline(input: TimelineInput): TimelineView {
  const events = input.events;
  const relations = new Relations(events, input.related);
  const profiles = new ProfileHistory(input.members, events, (event) =>
    event.type === 'm.room.member' && event.state_key !== undefined ? [event.state_key] : powerLevelUsers(event),
  );
  const ctx: EventContext = {
    roomId: input.roomId,
    roomRef: input.roomRef,
    highlight: input.highlight,
    dayLinks: input.dayLinks !== false,
    relations,
    profiles,
  };
  const starts = callStarts(events);
  const items: TimelineItem[] = [];
  const seen = new Set<string>();
  let day = null as { day: string; views: { view: EventView; event: MatrixEvent }[] } | null;
  let count = 0;
  const flush = (): void => {
    if (day) items.push(...foldRuns(day.views));
  };
  for (const event of events) {
    if (seen.has(event.event_id)) continue;
    seen.add(event.event_id);
    if (event.type === 'm.reaction' || event.type === 'm.room.redaction' || isEditEvent(event)) continue;
    if ((input.mode === 'main' && isThreadReply(event)) || isHiddenEvent(event, (e) => starts.has(e.event_id))) continue;
    let view: EventView;
    try {
      view = eventView(event, ctx);
    } catch {
      view = fallbackView(event, ctx);
    }
    const eventDay = utcDay(event.origin_server_ts);
    if (eventDay !== day?.day) {
      flush();
      items.push({ kind: 'day', day: eventDay, label: dayLabel(event.origin_server_ts), href: dayPath(input.roomRef, eventDay) });
      day = { day: eventDay, views: [] };
    }
    day.views.push({ view, event });
    count++;
  }
  flush();
  return { items, count };
}
