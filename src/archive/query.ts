import { BadRequest } from '../errors.js';
import { DAY_MS, dayStart, isCalendarDay } from '../utc-day.js';

/** What a reader typed, parsed: words and "quoted phrases" that must all match, and a sender. */
export interface ParsedQuery {
  terms: string[][];
  sender: string | undefined;
}

export const MAX_QUERY_LENGTH = 500;
export const MAX_TERMS = 16;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const USER_ID = /^@[^\s:]{1,255}:[A-Za-z0-9.\-\[\]:]{1,255}$/;
/** Words as the indexes see them: letters, marks and digits; everything else separates. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((w) => w.slice(0, 100));
}

/**
 * Parses a search box's text. Nothing of it reaches SQL but words (letters and digits), which
 * the stores quote or pass as parameters, so FTS syntax in the input is only text. Input no
 * reader types (NUL, lone surrogates, thousands of characters) is a 400 with a reason.
 */
export function parseQuery(raw: string): ParsedQuery {
  if (raw.length > MAX_QUERY_LENGTH) throw new BadRequest(`The search is too long: at most ${MAX_QUERY_LENGTH} characters.`);
  if (LONE_SURROGATE.test(raw)) throw new BadRequest('The search holds characters that are not text (a broken UTF-16 surrogate).');
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uE000\uE001]/.test(raw)) throw new BadRequest('The search holds control characters.');
  const terms: string[][] = [];
  let sender: string | undefined;
  // "phrases" first, then the rest split on white space.
  const rest = raw.replace(/"([^"]*)"?/g, (_all, phrase: string) => {
    const words = wordsOf(phrase);
    if (words.length > 0) terms.push(words);
    return ' ';
  });
  for (const token of rest.split(/\s+/).filter(Boolean)) {
    if (token.toLowerCase().startsWith('from:')) {
      const user = token.slice(5);
      if (!USER_ID.test(user)) throw new BadRequest('from: takes a Matrix user ID, like from:@alice:example.org.');
      if (sender && sender !== user) throw new BadRequest('Search by one sender at a time.');
      sender = user;
      continue;
    }
    for (const word of wordsOf(token)) terms.push([word]);
  }
  if (terms.length > MAX_TERMS) throw new BadRequest(`The search has too many words: at most ${MAX_TERMS}.`);
  if (terms.length === 0 && !sender) throw new BadRequest('Type some words to search for: letters or digits.');
  return { terms, sender };
}

/** A `YYYY-MM-DD` date field; empty means no bound. */
export function parseDateField(raw: string | undefined, name: string, endOfDay: boolean): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!isCalendarDay(raw)) throw new BadRequest(`The ${name} date must be a date like 2024-05-31.`);
  const ts = dayStart(raw);
  return endOfDay ? ts + DAY_MS - 1 : ts;
}
