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

const SERVER_NAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** A Matrix server name: a host name or IP literal with an optional port. */
export function isServerName(value: string): boolean {
  return value.length <= 255 && SERVER_NAME.test(value);
}

/** `?page=`: absent is page 1; anything but a whole number from 1 (six digits at most) is a 400. */
export function pageParam(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'string' || !/^[1-9]\d{0,5}$/.test(value)) throw new BadRequest('The page number must be a whole number from 1.');
  return Number(value);
}
