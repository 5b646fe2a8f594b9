/**
 * Small formatting helpers for the timeline: UTC times and days, sizes, durations, and
 * untrusted names made fit to show. Pure, never throw.
 */
import { safeDate } from '../../utc-day.js';
import { cleanText } from '../widgets/parse.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

const pad = (n: number): string => String(n).padStart(2, '0');

/** "Sunday 29 November 2026". */
export function dayLabel(ts: number): string {
  const date = safeDate(ts);
  return `${DAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** "14:05 UTC". */
export function timeLabel(ts: number): string {
  const date = safeDate(ts);
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** "Sunday 29 November 2026, 14:05 UTC", for titles and details. */
export function utcDateTime(ts: number): string {
  return `${dayLabel(ts)}, ${timeLabel(ts)}`;
}

/** For `<time datetime>`: "2026-11-29T14:05:09.123Z". */
export function isoTime(ts: number): string {
  return safeDate(ts).toISOString();
}

const UNITS = ['KB', 'MB', 'GB', 'TB'];

/** "668 B", "7.9 KB", "12.3 MB" (binary multiples, as chat clients show them); null when unknown. */
export function humanSize(size: unknown): string | null {
  if (typeof size !== 'number' || !Number.isFinite(size) || size < 0) return null;
  if (size < 1024) return `${Math.round(size)} B`;
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** "0:01", "3:07", "1:02:03" from milliseconds; null when unknown. */
export function humanDuration(ms: unknown): string | null {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 1e12) return null;
  const total = ms > 0 ? Math.max(1, Math.round(ms / 1000)) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** A positive integer pixel size, or null. */
export function pixels(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 && value <= 100_000 ? Math.round(value) : null;
}

export const MAX_NAME_LENGTH = 100;

/** An untrusted display name: controls and bidi overrides removed, at most 100 characters. */
export function cleanName(value: unknown): string | null {
  return cleanText(value, MAX_NAME_LENGTH);
}

/** Any other untrusted text shown in a sentence (reasons, topics, names of rooms). */
export function cleanLine(value: unknown, max = 200): string | null {
  return cleanText(value, max);
}

/** The letter shown instead of an avatar: the name's first letter or digit, upper case. */
export function avatarLetter(name: string): string {
  const match = /[\p{L}\p{N}]/u.exec(name.startsWith('@') ? name.slice(1) : name);
  return match ? match[0].toLocaleUpperCase('en') : '?';
}
