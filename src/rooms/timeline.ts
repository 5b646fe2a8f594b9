/**
 * The loader of the timeline pages (the latest messages, a page before or after an event, an
 * event in context, a thread) and of the room's feed: one call returns everything the page
 * shows, so the route neither fetches nor decides what to fetch.
 */
import type { MatrixEvent } from '../matrix/events.js';
import type { HierarchyRoom } from '../matrix/room-answers.js';
import type { RoomReader, TimelinePage } from './reader.js';
import type { RoomSnapshot } from './snapshot.js';

/** Pinned messages fetched for one page at most: the rest are listed without an excerpt. */
const MAX_PIN_FETCHES = 5;

/** Which timeline page a request asks for, parsed from its URL. */
export type TimelineRequest =
  | { kind: 'latest' }
  | { kind: 'before' | 'after'; eventId: string }
  | { kind: 'event'; eventId: string }
  | { kind: 'thread'; rootId: string };

/**
 * What the loader must know about events to decide what to fetch. The view layer decides
 * these (what shows in the timeline, what a relation is about), so they are given, not
 * imported: services.ts wires view/'s rules in.
 */
export interface TimelineRules {
  /** Whether an event shows in the main timeline. */
  isVisible(event: MatrixEvent): boolean;
  /** The event a relation-only event (reaction, edit, redaction, vote) is about, or null. */
  relationTarget(event: MatrixEvent): string | null;
  /** The thread root of a thread reply, or null. */
  threadRootOf(event: MatrixEvent): string | null;
  /** Every event a pin change speaks of. */
  pinChangeIds(event: MatrixEvent): string[];
  /** How many of the room's latest pins the latest page lists. */
  maxPins: number;
}

interface Loaded {
  snapshot: RoomSnapshot;
  page: TimelinePage;
  /** Events known around the page: the snapshot's window, fetched reply and pin targets. */
  related: MatrixEvent[];
  /** The room's latest pins (only the latest page lists them). */
  pinned: string[];
  /** A space's children (only on the latest page). */
  children: HierarchyRoom[];
}

/**
 * An event asked for by its permalink that has no block of its own (a reaction, edit,
 * redaction or vote): the page shows what it is about instead, and says so.
 */
export interface LinkedEvent {
  event: MatrixEvent;
  /** Member events around it, for its sender's name. */
  members: MatrixEvent[];
  /** Whether the event it is about could be read. */
  found: boolean;
}

export type LatestData = Loaded & { kind: 'latest' };
export type NeighbourData = Loaded & { kind: 'before' | 'after'; eventId: string };
/** A permalink shown in its context: `page.event` is the highlighted one. */
export type EventData = Loaded & { kind: 'event'; eventId: string; event: MatrixEvent; highlight: string; linked: LinkedEvent | undefined };
export type ThreadData = Loaded & {
  kind: 'thread';
  rootId: string;
  root: MatrixEvent;
  replyCount: number;
  truncated: boolean;
  highlight: string;
  /** Set when a permalink of a thread reply (or of a relation to one) led here. */
  permalink: { eventId: string; linked: LinkedEvent | undefined } | undefined;
};
export type TimelineData = LatestData | NeighbourData | EventData | ThreadData;

/** The feed's data: the latest page, with only the snapshot's window around it. */
export interface FeedData {
  snapshot: RoomSnapshot;
  page: TimelinePage;
  related: MatrixEvent[];
}

export class TimelineLoader {
  constructor(
    private readonly reader: Pick<RoomReader, 'latest' | 'before' | 'after' | 'around' | 'thread' | 'profiles' | 'replyTargets' | 'eventsById' | 'children'>,
    private readonly rules: TimelineRules,
  ) {}

  /** Everything the page `request` of the room shows. */
  async load(snapshot: RoomSnapshot, request: TimelineRequest): Promise<TimelineData> {
    switch (request.kind) {
      case 'latest':
        return { kind: 'latest', ...(await this.around(snapshot, this.reader.latest(snapshot, this.rules.isVisible), true)) };
      case 'before':
      case 'after': {
        const page = await (request.kind === 'before' ? this.reader.before(snapshot, request.eventId) : this.reader.after(snapshot, request.eventId));
        return { kind: request.kind, eventId: request.eventId, ...(await this.around(snapshot, page, false)) };
      }
      case 'event':
        return this.event(snapshot, request.eventId);
      case 'thread':
        return this.thread(snapshot, request.rootId, request.rootId, undefined);
    }
  }

  /** The feed shows the latest page with no fetches beyond the snapshot. */
  feed(snapshot: RoomSnapshot): FeedData {
    return { snapshot, page: this.reader.latest(snapshot, this.rules.isVisible), related: snapshot.timeline };
  }

  private async event(snapshot: RoomSnapshot, eventId: string): Promise<EventData | ThreadData> {
    let page = await this.reader.around(snapshot, eventId);
    let highlight = eventId;
    let linked: LinkedEvent | undefined;
    // A reaction, edit, redaction or vote has no block: the page shows what it is about.
    const targetId = this.rules.relationTarget(page.event);
    if (targetId) {
      const target = await this.reader.around(snapshot, targetId).catch(() => null);
      linked = { event: page.event, members: page.members, found: target !== null };
      if (target) {
        page = target;
        highlight = targetId;
      }
    }
    // A thread reply is shown in its thread.
    const root = this.rules.threadRootOf(page.event);
    if (root) return this.thread(snapshot, root, highlight, { eventId, linked });
    return { kind: 'event', eventId, event: page.event, highlight, linked, ...(await this.around(snapshot, page, false)) };
  }

  private async thread(snapshot: RoomSnapshot, rootId: string, highlight: string, permalink: ThreadData['permalink']): Promise<ThreadData> {
    const thread = await this.reader.thread(snapshot, rootId);
    const events = [thread.root, ...thread.replies];
    const members = await this.reader.profiles(snapshot, events.map((event) => event.sender), [...snapshot.members.values()]);
    const page: TimelinePage = { events, members, hasEarlier: false, hasLater: false };
    return {
      kind: 'thread',
      rootId,
      root: thread.root,
      replyCount: thread.replies.length,
      truncated: thread.truncated,
      highlight,
      permalink,
      ...(await this.around(snapshot, page, false)),
    };
  }

  /** What a page needs beyond its events: the replies' and pin changes' targets; the latest page's pins and a space's children. */
  private async around(snapshot: RoomSnapshot, page: TimelinePage, latest: boolean): Promise<Loaded> {
    const pinned = latest ? snapshot.state.pinned.slice(-this.rules.maxPins) : [];
    const pinIds = [...pinned, ...page.events.flatMap((event) => this.rules.pinChangeIds(event))];
    const isSpace = snapshot.state.roomType === 'm.space';
    const [replyTargets, pinTargets, children] = await Promise.all([
      this.reader.replyTargets(snapshot, page.events, snapshot.timeline),
      this.reader.eventsById(snapshot, pinIds, [...page.events, ...snapshot.timeline], MAX_PIN_FETCHES),
      isSpace && latest ? this.reader.children(snapshot).catch((): HierarchyRoom[] => []) : [],
    ]);
    return { snapshot, page, related: [...snapshot.timeline, ...replyTargets, ...pinTargets], pinned, children };
  }
}
