import { MatrixApiError } from '../matrix/errors.js';
import type { MatrixEvent } from '../matrix/events.js';
import type { DaySource } from './homeserver.js';
import { rollForward } from './profiles.js';
import { DAY_MS, dayStart, utcDay } from '../utc-day.js';

/** A day with more events than this is cut (its first ones are shown). */
const MAX_DAY_CHUNKS = 20;

export interface LocatedDay {
  events: MatrixEvent[];
  members: MatrixEvent[];
  previousDay: string | undefined;
  nextDay: string | undefined;
}

export type Located = { kind: 'day'; located: LocatedDay } | { kind: 'outside' } | { kind: 'empty'; previousDay: string | undefined; nextDay: string | undefined };

/** Whether an error says this session may not use `timestamp_to_event` at all. */
export function jumpRefused(error: unknown): boolean {
  return (
    error instanceof MatrixApiError &&
    (error.errcode === 'M_GUEST_ACCESS_FORBIDDEN' || error.errcode === 'M_UNRECOGNIZED' || error.httpStatus === 403 || error.httpStatus === 405)
  );
}

/**
 * A day located with `/timestamp_to_event`, for sessions allowed to call it (a bot account):
 * a few calls whatever the room's size, where a guest must page back through its history.
 * The neighbouring days come from the nearest events before and after the day, so empty
 * days are skipped without looking at them.
 */
export async function locateByJump(api: DaySource, roomId: string, day: string, pageLimit: number, signal: AbortSignal): Promise<Located> {
  const start = dayStart(day);
  const end = start + DAY_MS;
  const [before, first] = await Promise.all([
    api.timestampToEvent(roomId, start - 1, 'b', signal),
    api.timestampToEvent(roomId, start, 'f', signal),
  ]);
  const previousDay = before && before.ts < start ? utcDay(before.ts) : undefined;
  if (!first || first.ts >= end) {
    if (!before && !first) return { kind: 'outside' };
    // Nothing before the day means the day is before the room began.
    if (!before || before.ts >= start) return { kind: 'outside' };
    return { kind: 'empty', previousDay, nextDay: first ? utcDay(first.ts) : undefined };
  }
  const anchor = await api.context(roomId, first.eventId, 0, signal);
  const events: MatrixEvent[] = [];
  let state = anchor.state;
  let from = anchor.start;
  let nextDay: string | undefined;
  for (let read = 0; read < MAX_DAY_CHUNKS && from; read++) {
    const chunk = await api.messages(roomId, from, 'f', pageLimit, signal);
    if (read === 0) state = chunk.state.length > 0 ? chunk.state : state;
    for (const event of chunk.events) {
      if (event.origin_server_ts >= end) {
        nextDay ??= utcDay(event.origin_server_ts);
        continue;
      }
      if (event.origin_server_ts >= start) events.push(event);
    }
    if (nextDay || chunk.events.length < pageLimit) break;
    from = chunk.end;
  }
  if (!nextDay) {
    const after = await api.timestampToEvent(roomId, end, 'f', signal);
    nextDay = after && after.ts >= end ? utcDay(after.ts) : undefined;
  }
  return { kind: 'day', located: { events, members: rollForward(state, events), previousDay, nextDay } };
}
