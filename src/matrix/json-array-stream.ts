import { Slicer } from '../slices.js';
import { AnswerTooLarge } from './bounded-fetch.js';

/**
 * Picks the elements of an answer's one big array (`{"chunk":[…]}`) out of its text as it
 * arrives, parsing each element on its own. A long answer is never one long parse that holds
 * the event loop, and an answer cut off at the byte bound still gives every element that
 * arrived whole. Strings are tracked so that brackets inside them do not count. Elements that
 * are not objects or arrays are skipped (member lists hold only objects).
 */
export class ArrayElements {
  private seeking = true;
  private done = false;
  private seekTail = '';
  private element = '';
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(
    private readonly key: string,
    private readonly onElement: (value: unknown) => void,
  ) {}

  push(text: string): void {
    let i = 0;
    if (this.seeking) {
      const seen = this.seekTail + text;
      const match = new RegExp(`"${this.key}"\\s*:\\s*\\[`).exec(seen);
      if (!match) {
        this.seekTail = seen.slice(-64);
        return;
      }
      this.seeking = false;
      text = seen.slice(match.index + match[0].length);
    }
    let start = this.depth > 0 ? 0 : -1;
    for (; i < text.length && !this.done; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
        continue;
      }
      if (c === 0x22) {
        this.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        if (this.depth === 0) start = i;
        this.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (this.depth === 0) {
          this.done = true; // the array's own closing bracket
          break;
        }
        this.depth--;
        if (this.depth === 0) this.emit(text.slice(start, i + 1));
      }
    }
    if (this.depth > 0 && start >= 0) this.element += text.slice(start);
  }

  private emit(tail: string): void {
    const text = this.element + tail;
    this.element = '';
    try {
      this.onElement(JSON.parse(text));
    } catch {
      // A malformed element is dropped; the others still count.
    }
  }
}

/** Text handed to the element scanner at once: a fraction of a millisecond of work. */
const PIECE_CHARS = 16 * 1024;

/**
 * Reads `key`'s array from a streamed answer, element by element, up to the byte bound.
 * Each element is parsed alone and given to `map`, which keeps only what the caller needs
 * (undefined drops it), so a long list is never held twice. The scan gives the event loop
 * back every few milliseconds (slices.ts): buffered chunks resolve as microtasks, which
 * would never let it in otherwise. `complete` is false when the bound cut the answer off.
 */
export async function readArray<T = unknown>(
  response: Response,
  key: string,
  map: (value: unknown) => T | undefined = (value) => value as T,
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  const elements = new ArrayElements(key, (value) => {
    const item = map(value);
    if (item !== undefined) items.push(item);
  });
  const decoder = new TextDecoder();
  const reader = response.body?.getReader();
  if (!reader) return { items, complete: true };
  const slicer = new Slicer();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      for (let at = 0; at < text.length; at += PIECE_CHARS) {
        elements.push(at === 0 && text.length <= PIECE_CHARS ? text : text.slice(at, at + PIECE_CHARS));
        await slicer.maybeYield();
      }
    }
    return { items, complete: true };
  } catch (error) {
    if (error instanceof AnswerTooLarge) return { items, complete: false };
    throw error;
  }
}
