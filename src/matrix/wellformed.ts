/**
 * Every string from the homeserver made well-formed once, where its answers are parsed, so
 * that nothing above this layer meets a string that cannot be encoded or shown:
 * - a lone surrogate becomes U+FFFD (`encodeURIComponent` throws on one, and UTF-8 cannot
 *   carry it);
 * - controls other than tab and newline are dropped (a CR or CRLF becomes a newline): HTML
 *   forbids them in documents, and NUL ends strings in the tools a page is read with;
 * - noncharacters are dropped, for the same reason.
 * Synapse refuses such strings, but other homeservers and federation may pass them on.
 * Keys are cleaned as well as values, so that an ID used as a key (power levels, widget
 * layouts, reactions) reads the same everywhere.
 */

// With the `u` flag, [\ud800-\udfff] matches only surrogates that are not part of a pair.
const SUSPECT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff]|\p{Noncharacter_Code_Point}/u;
const LONE_SURROGATE = /[\ud800-\udfff]/gu;
const DROPPED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Noncharacter_Code_Point}/gu;

export function wellFormedText(text: string): string {
  if (!SUSPECT.test(text)) return text;
  return text.replace(/\r\n?/g, '\n').replace(LONE_SURROGATE, '\ufffd').replace(DROPPED, '');
}

/**
 * A string field of an answer: the string, made well-formed, or undefined when it is absent,
 * empty or not a string. The one such helper for every parser of answers and of content.
 */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? wellFormedText(value) : undefined;
}

/**
 * Cleans every string and key of a parsed JSON answer, in place (the answer is ours, fresh
 * from JSON.parse), without recursion: a deeply nested answer cannot overflow the stack.
 */
export function wellFormedJson<T>(value: T): T {
  if (typeof value === 'string') return wellFormedText(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  const pending: object[] = [value];
  while (pending.length > 0) {
    const node = pending.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (typeof item === 'string') node[i] = wellFormedText(item);
        else if (typeof item === 'object' && item !== null) pending.push(item);
      }
      continue;
    }
    for (const key of Object.keys(node)) {
      const item = node[key];
      const clean = typeof item === 'string' ? wellFormedText(item) : item;
      const cleanKey = wellFormedText(key);
      if (cleanKey !== key) {
        delete node[key];
        // defineProperty, so that a key cleaned into `__proto__` stays a plain key.
        Object.defineProperty(node, cleanKey, { value: clean, writable: true, enumerable: true, configurable: true });
      } else if (clean !== item) {
        node[key] = clean;
      }
      if (typeof item === 'object' && item !== null) pending.push(item);
    }
  }
  return value;
}
