import type { Archive } from '../archive/archive.js';
import { MatrixApiError } from '../matrix/errors.js';
import type { MatrixEvent } from '../matrix/events.js';
import type { Homeserver } from './homeserver.js';

function visibilityOf(state: readonly MatrixEvent[]): unknown {
  return state.find((e) => e.type === 'm.room.history_visibility' && e.state_key === '')?.content['history_visibility'];
}

/** A refusal that means "this room is not readable for us": its copy must go. */
function refused(error: unknown): boolean {
  return error instanceof MatrixApiError && error.httpStatus === 403;
}

/**
 * The homeserver as rooms/ sees it, with every timeline event it answers written to the
 * archive on the way: latest windows, refreshes, day chunks, context pages and the backfill
 * all come through here, so nothing the viewer reads is missed and no caller has to remember.
 * Each answer is recorded with how it was fetched, which the archive needs to know which
 * stretches it holds without gaps. A state that is no longer world-readable, or a 403 for the
 * room, deletes the room's archive.
 */
export function recordingHomeserver(inner: Homeserver, archive: Archive): Homeserver {
  const guard = async <T>(roomId: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (refused(error)) await archive.deleteRoom(roomId);
      throw error;
    }
  };
  const checkState = async (roomId: string, state: readonly MatrixEvent[]): Promise<void> => {
    const visibility = visibilityOf(state);
    if (visibility !== undefined && visibility !== 'world_readable') await archive.deleteRoom(roomId);
  };
  const checked = (call: (roomId: string, ...rest: never[]) => Promise<MatrixEvent[]>) =>
    (roomId: string, ...rest: never[]): Promise<MatrixEvent[]> =>
      guard(roomId, async () => {
        const state = await call(roomId, ...rest);
        await checkState(roomId, state);
        return state;
      });
  const recorded: Partial<Homeserver> = {
    state: checked((roomId, signal) => inner.state(roomId, signal)),
    currentState: checked((roomId, signal) => inner.currentState(roomId, signal)),
    messages: (roomId, from, dir, limit, signal) =>
      guard(roomId, async () => {
        const chunk = await inner.messages(roomId, from, dir, limit, signal);
        const reachedStart = dir === 'b' && (!chunk.start || chunk.events.length === 0 || chunk.events[0]?.type === 'm.room.create');
        const reachedEnd = dir === 'f' && chunk.events.length < limit;
        await archive.record(roomId, chunk, { from, dir, start: chunk.start, end: chunk.end, reachedStart, reachedEnd });
        return chunk;
      }),
    context: (roomId, eventId, limit, signal) =>
      guard(roomId, async () => {
        const context = await inner.context(roomId, eventId, limit, signal);
        // A context is contiguous, but not tied to any stretch's edge: kept as loose events,
        // it joins a stretch when a later chunk overlaps it.
        await archive.record(roomId, { events: [...context.before, context.event, ...context.after], state: context.state }, undefined);
        return context;
      }),
    event: (roomId, eventId, signal) =>
      guard(roomId, async () => {
        const event = await inner.event(roomId, eventId, signal);
        await archive.record(roomId, { events: [event], state: [] }, undefined);
        return event;
      }),
    relations: (roomId, eventId, relType, options, signal) =>
      guard(roomId, async () => {
        const page = await inner.relations(roomId, eventId, relType, options, signal);
        await archive.record(roomId, { events: page.events, state: [] }, undefined);
        return page;
      }),
  };
  // Every other call goes to `inner` unchanged, through the prototype chain: the interface
  // grows with the pages, and only the calls above carry timeline events.
  return Object.assign(Object.create(inner) as Homeserver, recorded);
}
