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
  // `https://bank.example@evil.example/` reads as the bank and goes to evil.example.
  if (url.username !== '' || url.password !== '') return null;
  return url.href;
}

/** Text that reads as a web address: with a scheme, `www.`, or a bare `host.tld/...`. */
const URL_LIKE = /^(?:(?:https?|ftp):\/\/\S+|www\.\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z][a-z0-9-]+(?:[/:?#]\S*)?)$/i;

function hostOf(address: string): string | null {
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `https://${address}`).hostname;
    return host === '' ? null : host;
  } catch {
    return null;
  }
}

/**
 * The host a link really goes to, when its text reads as an address on another host (the
 * text "https://bank.example" on a link to evil.example); else null. Shown after the link.
 */
export function hostNotice(text: string, href: string): string | null {
  const shown = text.trim();
  if (!URL_LIKE.test(shown)) return null;
  const claimed = hostOf(shown);
  let real: string | null;
  try {
    real = new URL(href).hostname || null;
  } catch {
    real = null;
  }
  return claimed !== null && real !== null && claimed !== real ? real : null;
}

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

/** `#rrggbb` in lower case, or null for anything else (names, `rgb()`, CSS fragments). */
export function hexColour(raw: string | undefined): string | null {
  return raw !== undefined && HEX_COLOUR.test(raw) ? raw.toLowerCase() : null;
}
