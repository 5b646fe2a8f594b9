import type { MatrixEvent } from '../matrix/events.js';

/** One event as the archive keeps it: the event itself, and what search and the pages need. */
export interface ArchivedEvent {
  event: MatrixEvent;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** The sender's display name at the event, for search results. */
  senderName: string;
  /** The thread it belongs to (`m.thread` relation), if any. */
  threadRoot: string | undefined;
  /** Plain text for the full-text index; empty for events with nothing to find. */
  text: string;
  /** Counted as a message (the calendar's counts): shown in the main timeline as one. */
  message: boolean;
  /** An edit: the event it replaces and its new text (indexed in the target's place if valid). */
  replaces?: { eventId: string; text: string } | undefined;
}

/** A contiguous run of a room's timeline that the archive holds without gaps. */
export interface Stretch {
  id: number;
  roomId: string;
  loTs: number;
  hiTs: number;
  /** Where `/messages` continues backwards from its oldest edge. */
  backToken: string | undefined;
  /** Where `/messages` continues forwards from its newest edge. */
  fwdToken: string | undefined;
  /** Its oldest edge is the room's creation. */
  atStart: boolean;
  /** When its newest edge was last known to be the room's newest event (0 if never). */
  freshAt: number;
}

/** How a chunk of events was fetched, when it is a contiguous piece of timeline. */
export interface ChunkEdges {
  /** The token asked from; undefined for the room's latest events. */
  from: string | undefined;
  dir: 'b' | 'f';
  /** Token before its oldest event, and after its newest. */
  start: string | undefined;
  end: string | undefined;
  /** Its oldest event is the room's creation (or there is nothing before it). */
  reachedStart: boolean;
  /** A forward chunk that came back short: its newest event was the room's newest. */
  reachedEnd?: boolean;
}

export interface ArchivedChunk {
  roomId: string;
  events: ArchivedEvent[];
  /** Member events seen with the chunk (lazy-loaded state and the timeline's own). */
  members: MatrixEvent[];
  /** Absent for events that are not a contiguous run (reply targets, single events). */
  edges: ChunkEdges | undefined;
  now: number;
}

export interface SearchQuery {
  /** Words and phrases that must all match; each is a list of words. */
  terms: string[][];
  sender: string | undefined;
  /** Only these rooms (the public directory, or one room). */
  roomIds: readonly string[];
  /** Inclusive UTC timestamp range. */
  fromTs: number | undefined;
  toTs: number | undefined;
  sort: 'relevance' | 'new';
  limit: number;
  offset: number;
}

export interface SearchHit {
  roomId: string;
  eventId: string;
  ts: number;
  day: string;
  sender: string;
  senderName: string;
  /** The matched text, with matches between MARK_START and MARK_END, otherwise raw. */
  snippet: string;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Matches counted up to COUNT_CAP; `capped` when there are more. */
  total: number;
  capped: boolean;
}

export interface ThreadSummary {
  rootId: string;
  replies: number;
  latestTs: number;
  /** The root event, if the archive holds it. */
  root: MatrixEvent | undefined;
}

export interface BackfillState {
  roomId: string;
  token: string | undefined;
  done: boolean;
  updatedAt: number;
}

export interface ArchiveStats {
  events: number;
  rooms: number;
  bytes: number;
}

/** Private-use characters around matches in snippets: no message can contain them (the indexer strips them). */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';
export const COUNT_CAP = 1_000;

/**
 * The archive's storage, implemented by SQLite (embedded) and PostgreSQL (shared by several
 * processes). Every method is one small transaction or one bounded query.
 */
export interface ArchiveStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Brings the schema to the current version; run once at start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Writes a chunk's events and members, and its place in the room's stretches. */
  recordChunk(chunk: ArchivedChunk): Promise<void>;
  /** The content goes, the placeholder stays, and the event leaves the index. */
  redact(roomId: string, eventId: string, redaction: MatrixEvent): Promise<void>;
  /** Everything of a room: events, index, stretches, members, backfill progress. */
  deleteRoom(roomId: string): Promise<void>;

  stretches(roomId: string): Promise<Stretch[]>;
  /** A day's events, chronological. */
  dayEvents(roomId: string, day: string): Promise<MatrixEvent[]>;
  /** The newest day with any events before `day`, and the oldest after it (as the day pages link them). */
  neighbourDays(roomId: string, day: string): Promise<{ previous: string | undefined; next: string | undefined }>;
  /** For each user, the newest member event at or before `ts` (else their oldest one). */
  membersAt(roomId: string, userIds: readonly string[], ts: number): Promise<MatrixEvent[]>;
  /** Message counts per day, ascending. */
  calendar(roomId: string): Promise<Array<{ day: string; count: number }>>;
  threads(roomId: string, limit: number, offset: number): Promise<{ threads: ThreadSummary[]; total: number }>;
  search(query: SearchQuery): Promise<SearchResult>;

  backfillState(roomId: string): Promise<BackfillState | undefined>;
  saveBackfill(state: BackfillState): Promise<void>;
  /** Runs `task` only if no other process holds the backfill lock; false if one does. */
  withBackfillLock(task: () => Promise<void>): Promise<boolean>;
  stats(): Promise<ArchiveStats>;
  /** Events held of one room. */
  roomEvents(roomId: string): Promise<number>;
}
