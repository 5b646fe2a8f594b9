/**
 * The UTC day, the unit of the archive, the day pages and their URLs: one definition for every
 * layer, so that the day an event is filed under, the day page that shows it and the link to
 * that page always agree. Pure; never throws, whatever timestamp the homeserver sent.
 */

export const DAY_MS = 86_400_000;

/** A Date for a timestamp; one that Date cannot hold becomes the epoch rather than throwing. */
export function safeDate(ts: number): Date {
  const date = new Date(ts);
  return Number.isFinite(date.getTime()) ? date : new Date(0);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * `YYYY-MM-DD` of the UTC day. Four-digit years only: a year outside 0–9999 is clamped, so a
 * timestamp far in the future files the event under a day a URL can name, rather than
 * throwing (`toISOString` does past year 275760) or writing a six-digit year.
 */
export function utcDay(ts: number): string {
  const date = safeDate(ts);
  const year = Math.min(9999, Math.max(0, date.getUTCFullYear()));
  return `${String(year).padStart(4, '0')}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Midnight UTC at the start of a `YYYY-MM-DD` day, in ms. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** Noon UTC of a `YYYY-MM-DD` day, for labels that must not slip to a neighbouring day. */
export function dayNoon(day: string): number {
  return Date.parse(`${day}T12:00:00Z`);
}

/** Whether `YYYY-MM-DD` names a real calendar day (no 2026-02-30). */
export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const start = dayStart(day);
  return !Number.isNaN(start) && utcDay(start) === day;
}
