/**
 * Reading one widget's state content. Everything in it is untrusted and the caller may hand
 * us anything (a redacted event, a hand-built fixture whose content is a string or an
 * array), so this takes `unknown` and never throws.
 */
import { isRecord } from '../../matrix/events.js';

/** The fields of a live widget that we use, checked. */
export interface WidgetContent {
  type: string;
  url: string;
  name: string | null;
  data: Record<string, unknown>;
  avatarUrl: string | null;
}

/** `null` and a missing field mean the same thing; anything else must have the right type. */
function optional<T>(value: unknown, check: (v: unknown) => v is T): T | null | undefined {
  if (value === undefined || value === null) return null;
  return check(value) ? value : undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Returns the widget, or null when the content means "removed": not an object, no non-empty
 * `url` or `type` string, or one of the top-level fields we use (`name`, `data`,
 * `avatar_url`) present with the wrong type. Fields inside `data` are checked where used.
 */
export function parseWidgetContent(content: unknown): WidgetContent | null {
  if (!isRecord(content)) return null;
  const { type, url } = content;
  if (typeof type !== 'string' || type.trim() === '') return null;
  if (typeof url !== 'string' || url.trim() === '') return null;
  const name = optional(content['name'], isString);
  const data = optional(content['data'], isRecord);
  const avatarUrl = optional(content['avatar_url'], isString);
  if (name === undefined || data === undefined || avatarUrl === undefined) return null;
  return { type: type.trim(), url: url.trim(), name, data: data ?? {}, avatarUrl };
}

export const MAX_TEXT_LENGTH = 200;

// C0 and C1 controls, and the bidirectional overrides and isolates that could reorder the
// text around a name on the page.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * An untrusted name or title made fit to show: a string, controls removed, whitespace
 * collapsed and trimmed, at most `max` characters (code points, so no surrogate is split)
 * with an ellipsis when cut. Null when nothing is left.
 */
export function cleanText(value: unknown, max = MAX_TEXT_LENGTH): string | null {
  if (typeof value !== 'string') return null;
  // Cap before the regexes so a megabyte name costs little; a cut marks the result as cut.
  const limit = max * 8;
  const cut = value.length > limit;
  const head = cut ? value.slice(0, limit).replace(/[\uD800-\uDBFF]$/, '') : value;
  const text = head.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  const chars = Array.from(text);
  if (chars.length <= max && !cut) return text;
  return chars.slice(0, max - 1).join('').trimEnd() + '…';
}
