import { LRUCache } from 'lru-cache';
import type { MatrixEvent } from '../matrix/events.js';

/** What moved a room's epoch. */
export type EpochReason =
  | 'redaction'
  | 'history-visibility'
  | 'join-rule'
  | 'publication'
  | 'tombstone'
  | 'profile'
  /** The viewer could not follow every event since it last looked (a cold load, a reload). */
  | 'reload'
  /** The room stopped being world-readable: everything of it is dropped. */
  | 'withdrawn';

export interface EpochChange {
  roomId: string;
  epoch: number;
  reasons: readonly EpochReason[];
  /** Event IDs the change redacted, where known. */
  redacted: readonly string[];
  /** The redaction events themselves (each with `redacts`), which the archive applies. */
  redactions: readonly MatrixEvent[];
  /** The room may no longer be shown: every cache drops all it holds of it. */
  withdrawn: boolean;
}

export type EpochListener = (change: EpochChange) => void;

/** A room as the caches key it: its ID and the epoch the entry is derived at (a snapshot is one). */
export interface EpochedRoom {
  roomId: string;
  epoch: number;
}

/**
 * The key of a cache entry derived from a room: its kind, the room, the room's epoch, then
 * whatever picks the entry. `ReadThroughCache.forgetRoom` finds a room's entries by it.
 */
export function roomKey(kind: string, roomId: string, epoch: number, ...rest: string[]): string {
  return [kind, roomId, String(epoch), ...rest].join('\u0000');
}

/** The room a `roomKey` belongs to. */
export function roomOfKey(key: string): string | undefined {
  return key.split('\u0000', 2)[1];
}

/** Why a room is left out of the listings although a listing may still name it. */
export type Withdrawal = 'unreadable' | 'unlisted';

interface Known {
  epoch: number;
  /** When the epoch began (ms): pages derived from it are never older than this. */
  since: number;
  withdrawal: Withdrawal | undefined;
}

/**
 * The room epoch: one number per room that every cache entry derived from the room carries
 * in its key (rendered pages, context pages, reply targets, threads, members, days, feeds).
 * It moves when the viewer sees something that takes content back (a redaction; a change of
 * history visibility, join rule, publication, name, topic or avatar; a tombstone), and when
 * it cannot tell (a cold load). An entry with an older epoch is never found again, and the
 * listeners drop what they hold of the room, so an old copy is neither served nor kept.
 *
 * Epochs come from one counter for all rooms, so a room forgotten here and met again starts
 * an epoch no entry has ever carried: forgetting is safe, and the map is bounded.
 */
export class RoomEpochs {
  private counter = 0;
  private readonly rooms: LRUCache<string, Known>;
  private readonly listeners: EpochListener[] = [];

  constructor(
    maxRooms = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    this.rooms = new LRUCache<string, Known>({ max: maxRooms });
  }

  /** Called on every move, withdrawal included; listeners must not throw or wait. */
  onChange(listener: EpochListener): void {
    this.listeners.push(listener);
  }

  /** The room's current epoch. */
  of(roomId: string): number {
    return this.known(roomId).epoch;
  }

  /** When the room's current epoch began (ms since the Unix epoch). */
  since(roomId: string): number {
    return this.known(roomId).since;
  }

  /** Starts a new epoch for the room and tells every listener; returns it. */
  move(roomId: string, reasons: readonly EpochReason[], redactions: readonly MatrixEvent[] = []): number {
    const previous = this.rooms.get(roomId);
    const next: Known = { epoch: ++this.counter, since: this.now(), withdrawal: previous?.withdrawal };
    this.rooms.set(roomId, next);
    const redacted = redactions.flatMap((e) => (e.redacts ? [e.redacts] : []));
    this.emit({ roomId, epoch: next.epoch, reasons, redacted, redactions, withdrawn: false });
    return next.epoch;
  }

  /**
   * The room may not be shown (`unreadable`: its history is no longer world-readable) or not
   * listed (`unlisted`: it left the public directory). Either moves the epoch once (true when
   * it did); an unreadable room has everything dropped.
   */
  withdraw(roomId: string, withdrawal: Withdrawal): boolean {
    const previous = this.rooms.get(roomId);
    if (previous?.withdrawal === withdrawal || (previous?.withdrawal === 'unreadable' && withdrawal === 'unlisted')) return false;
    const next: Known = { epoch: ++this.counter, since: this.now(), withdrawal };
    this.rooms.set(roomId, next);
    const reasons: EpochReason[] = withdrawal === 'unreadable' ? ['withdrawn'] : ['publication'];
    this.emit({ roomId, epoch: next.epoch, reasons, redacted: [], redactions: [], withdrawn: withdrawal === 'unreadable' });
    return true;
  }

  /** The room was seen readable and listed by its own refresh: the listings may name it again. */
  restore(roomId: string, standing: { readable: boolean; listed: boolean }): void {
    const known = this.rooms.get(roomId);
    if (!known?.withdrawal) return;
    const withdrawal: Withdrawal | undefined = !standing.readable ? 'unreadable' : !standing.listed ? 'unlisted' : undefined;
    if (withdrawal !== known.withdrawal) this.rooms.set(roomId, { ...known, withdrawal });
  }

  /**
   * A listing says the room is not world-readable. That withdraws it only if the viewer knows
   * the room (has derived anything from it): most rooms of a directory never were readable.
   */
  listedUnreadable(roomId: string): void {
    const known = this.rooms.peek(roomId);
    if (known && known.withdrawal !== 'unreadable') this.withdraw(roomId, 'unreadable');
  }

  /** Why the listings (directory, sitemaps) must leave the room out, if they must. */
  withdrawal(roomId: string): Withdrawal | undefined {
    return this.rooms.peek(roomId)?.withdrawal;
  }

  private known(roomId: string): Known {
    let known = this.rooms.get(roomId);
    if (!known) {
      known = { epoch: ++this.counter, since: this.now(), withdrawal: undefined };
      this.rooms.set(roomId, known);
    }
    return known;
  }

  private emit(change: EpochChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
