import { DAY_MS, dayStart } from '../utc-day.js';
import type { ChunkEdges, Stretch } from './types.js';

/** What a store does to its stretches for one chunk: write `stretch`, fold `absorb` into it. */
export interface StretchPlan {
  /** The resulting stretch; `id` 0 means a new one. */
  stretch: Stretch;
  /** Stretches the chunk joined, whose events now belong to `stretch`. */
  absorb: number[];
}

export interface ChunkSpan {
  edges: ChunkEdges;
  loTs: number | undefined;
  hiTs: number | undefined;
  /** Stretches that already hold one of the chunk's events: they touch it, so they join it. */
  touching: ReadonlySet<number>;
  now: number;
}

/**
 * How a contiguous chunk changes a room's stretches. A chunk joins the stretch whose edge
 * token it was fetched from, and every stretch that already holds one of its events; the
 * union keeps the oldest part's backwards token and the newest part's forwards token. The
 * room's latest events (no `from`) and a short forward chunk were the newest when fetched.
 * The survivor is the longest joined stretch, so that few events are relabelled.
 */
export function planStretch(existing: readonly Stretch[], span: ChunkSpan): StretchPlan {
  const { edges } = span;
  const joined = existing.filter(
    (s) =>
      span.touching.has(s.id) ||
      (edges.from !== undefined && (edges.dir === 'b' ? s.backToken === edges.from : s.fwdToken === edges.from)),
  );
  // Only the latest window, and a forward chunk that came back short, end at the room's newest event.
  const isNewest = (edges.from === undefined && edges.dir === 'b') || (edges.dir === 'f' && edges.reachedEnd === true);
  type Part = { loTs: number; hiTs: number; backToken: string | undefined; fwdToken: string | undefined; atStart: boolean; freshAt: number };
  const parts: Part[] = joined.map((s) => ({ ...s }));
  if (span.loTs !== undefined && span.hiTs !== undefined) {
    parts.push({
      loTs: span.loTs,
      hiTs: span.hiTs,
      backToken: edges.start,
      fwdToken: edges.end,
      atStart: edges.reachedStart,
      freshAt: isNewest ? span.now : 0,
    });
  }
  const survivor = [...joined].sort((a, b) => b.hiTs - b.loTs - (a.hiTs - a.loTs))[0];
  if (parts.length === 0) {
    return { stretch: { id: 0, roomId: '', loTs: 0, hiTs: 0, backToken: undefined, fwdToken: undefined, atStart: false, freshAt: 0 }, absorb: [] };
  }
  const oldest = parts.reduce((a, b) => (b.loTs < a.loTs ? b : a));
  const newest = parts.reduce((a, b) => (b.hiTs > a.hiTs ? b : a));
  const emptyChunk = span.loTs === undefined;
  return {
    stretch: {
      id: survivor?.id ?? 0,
      roomId: survivor?.roomId ?? '',
      loTs: oldest.loTs,
      hiTs: newest.hiTs,
      // An empty backwards answer means there is nothing older: the stretch reaches the start.
      backToken: emptyChunk && edges.dir === 'b' ? undefined : oldest.backToken,
      fwdToken: emptyChunk && edges.dir === 'f' ? (edges.end ?? newest.fwdToken) : newest.fwdToken,
      atStart: parts.some((p) => p.atStart) || (emptyChunk && edges.dir === 'b' && edges.reachedStart),
      freshAt: Math.max(...parts.map((p) => p.freshAt), emptyChunk && isNewest ? span.now : 0),
    },
    absorb: joined.filter((s) => s.id !== survivor?.id).map((s) => s.id),
  };
}

/**
 * Whether the stretches hold the whole UTC day: one stretch reaches from before the day's
 * start (or the room's creation) to past its end (or was the newest after the day ended).
 */
export function holdsDay(stretches: readonly Stretch[], day: string): boolean {
  const start = dayStart(day);
  const end = start + DAY_MS;
  return stretches.some((s) => (s.loTs < start || s.atStart) && (s.hiTs >= end || s.freshAt >= end));
}

/** The oldest moment from which the archive holds the room without gaps up to now, if any. */
export function completeSince(stretches: readonly Stretch[], now: number, freshnessMs: number): { ts: number; atStart: boolean } | undefined {
  const current = stretches.filter((s) => now - s.freshAt <= freshnessMs || s.freshAt >= now - DAY_MS).sort((a, b) => b.freshAt - a.freshAt)[0];
  return current ? { ts: current.loTs, atStart: current.atStart } : undefined;
}
