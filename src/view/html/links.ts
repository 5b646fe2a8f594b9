/**
 * URL and colour checks shared by the formatted-body sanitiser and the plain-body linker.
 * Both produce only values that these functions have validated and re-serialised.
 */

/** Every link to another site that a message body makes carries exactly this `rel`. */
export const LINK_REL = 'nofollow ugc noopener';

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'ftp:', 'mailto:', 'magnet:']);
const MAX_HREF_LENGTH = 2048;

/**
 * The canonical form of an absolute http, https, ftp, mailto or magnet URL, else null.
 * Relative and protocol-relative URLs are rejected, because they would point at this
 * viewer. Parsing with WHATWG `URL` strips tabs, newlines and leading controls exactly as a
 * browser does, so `java\tscript:` or ` javascript:` are seen as what they are; returning the
 * re-serialised `href` (never the input) means the browser reads the same URL we checked.
 */
export function safeHref(raw: string): string | null {
  if (raw.length > MAX_HREF_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!LINK_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && url.protocol !== 'magnet:' && url.hostname === '') return null;
  return url.href;
}

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

/** `#rrggbb` in lower case, or null for anything else (names, `rgb()`, CSS fragments). */
export function hexColour(raw: string | undefined): string | null {
  return raw !== undefined && HEX_COLOUR.test(raw) ? raw.toLowerCase() : null;
}
