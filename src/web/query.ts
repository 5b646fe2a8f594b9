import type { Request } from 'express';
import { BadRequest } from '../errors.js';
import { wellFormedText } from '../matrix/wellformed.js';

/** A single string query parameter, or undefined; repeated or oversized values are a 400. Controls are dropped. */
export function queryString(req: Request, name: string, maxLength: number): string | undefined {
  const value: unknown = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequest(`The “${name}” parameter was given more than once or in a form we do not accept.`);
  if (value.length > maxLength) throw new BadRequest(`The “${name}” parameter is too long.`);
  // A reader's query is cleaned like the homeserver's strings: `?q=%00` never reaches a page.
  const trimmed = wellFormedText(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * `?page=` of every list (members, days, threads, search): absent or empty is page 1; anything
 * but a whole number from 1 to 99,999 is a 400. Five digits are more than any list here has
 * (a day has at most 20 pages, search stops counting at 10,000 matches, threads come 50 to a
 * page), and they bound the offset a request can make the archive skip.
 */
export function pageParam(value: unknown): number {
  if (value === undefined) return 1;
  const page = typeof value === 'string' ? value.trim() : undefined;
  if (page === '') return 1;
  if (page === undefined || !/^[1-9]\d{0,4}$/.test(page)) throw new BadRequest('The page number must be a whole number from 1.');
  return Number(page);
}
