/**
 * URL and colour checks shared by the formatted-body sanitiser and the plain-body linker.
 * Both produce only values that these functions have validated and re-serialised.
 */

/** Every link to another site that a message body makes carries exactly this `rel`. */
export const LINK_REL = 'nofollow ugc noopener';

const LINK_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'ftp:', 'mailto:', 'magnet:']);
/** The protocols a widget's link may have: it opens a web page. */
export const WEB_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:']);
/** Protocols whose URLs name no host. */
const HOSTLESS = new Set(['mailto:', 'magnet:']);

/**
 * The longest link any page carries, before and after parsing: message bodies and widgets
 * alike. 2048 is the bound browsers, proxies and the sitemap protocol all honour, and every
 * href counts toward the weight of a page (a longer one is shown as text, or not linked).
 */
export const MAX_HREF_LENGTH = 2048;

export type UrlCheck =
  | { ok: true; href: string; url: URL }
  | { ok: false; code: 'too-long' | 'invalid-url' | 'not-allowed' | 'credentials' };

/**
 * The one check of every link to another site. Relative and protocol-relative URLs are
 * rejected, because they would point at this viewer. Parsing with WHATWG `URL` strips tabs,
 * newlines and leading controls exactly as a browser does, so `java\tscript:` or
 * ` javascript:` are seen as what they are; the re-serialised `href` (never the input) is what
 * is returned, so the browser reads the same URL we checked.
 */
export function checkUrl(raw: string, protocols: ReadonlySet<string>): UrlCheck {
  if (raw.length > MAX_HREF_LENGTH) return { ok: false, code: 'too-long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'invalid-url' };
  }
  if (!protocols.has(url.protocol)) return { ok: false, code: 'not-allowed' };
  // `https://bank.example@evil.example/` reads as the bank and goes to evil.example.
  if (url.username !== '' || url.password !== '') return { ok: false, code: 'credentials' };
  if (!HOSTLESS.has(url.protocol) && url.host === '') return { ok: false, code: 'invalid-url' };
  const href = url.href;
  if (href.length > MAX_HREF_LENGTH) return { ok: false, code: 'too-long' };
  return { ok: true, href, url };
}

/** The canonical form of an absolute http, https, ftp, mailto or magnet URL, else null. */
export function safeHref(raw: string): string | null {
  const checked = checkUrl(raw, LINK_PROTOCOLS);
  return checked.ok ? checked.href : null;
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
