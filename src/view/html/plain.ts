/**
 * Plain-text bodies: the reply fallback, escaping with line breaks and links, and short
 * excerpts for reply quotes and meta descriptions.
 */
import { wellFormedText } from '../../matrix/wellformed.js';
import { escapeHtml, trustHtml, type SafeHtml } from '../safe-html.js';
import { LINK_REL, safeHref } from './links.js';

/** A Matrix event is at most 64 KiB; a longer body is cut off. */
export const MAX_PLAIN_LENGTH = 65_536;

/** The first line of a reply fallback: `> <@alice:example.org> …` or `> * <@alice:…> …`. */
const FALLBACK_FIRST_LINE = /^> (?:\* )?<@[^>\s]+>/;
const QUOTED_LINE = /^>(?: |$)/;

/**
 * Removes a plain-text reply fallback: leading `> ` lines followed by an empty line, as the
 * spec describes. To leave a message's own quotes alone, the block is taken for a fallback
 * only when its first line quotes a sender (`> <@user:server>`), as every fallback does.
 */
export function stripPlainReplyFallback(body: string): string {
  const lines = body.split(/\r\n|\n|\r/);
  if (!FALLBACK_FIRST_LINE.test(lines[0] ?? '')) return body;
  let i = 0;
  while (i < lines.length && QUOTED_LINE.test(lines[i]!)) i++;
  if (i >= lines.length || lines[i] !== '') return body;
  return lines.slice(i + 1).join('\n');
}

/**
 * http(s) and ftp URLs, mailto: and magnet: URIs, and bare `www.` hosts. Matrix IDs and bare
 * e-mail addresses are deliberately not linked.
 */
const URL_CANDIDATE = /\b(?:(?:https?|ftp):\/\/|www\.|mailto:|magnet:\?)[^\s<>"]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'"*_~]$/;
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** Drops trailing punctuation and closing brackets that the URL did not open. */
function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const last = url.slice(-1);
    const open = PAIRS[last];
    if (TRAILING_PUNCTUATION.test(url) || (open !== undefined && count(url, last) > count(url, open))) {
      url = url.slice(0, -1);
    } else {
      return url;
    }
  }
}

function linkHtml(text: string): string | null {
  const href = safeHref(/^www\./i.test(text) ? `https://${text}` : text);
  return href === null ? null : `<a href="${escapeHtml(href)}" rel="${LINK_REL}">${escapeHtml(text)}</a>`;
}

/** Escapes one line and links the URLs in it. */
function renderLine(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(URL_CANDIDATE)) {
    const text = trimUrl(match[0]);
    const html = linkHtml(text);
    if (html === null) continue;
    out += escapeHtml(line.slice(last, match.index)) + html;
    last = match.index + text.length;
  }
  return out + escapeHtml(line.slice(last));
}

/**
 * Renders a plain-text body: reply fallback stripped, everything escaped, line breaks kept
 * as `<br>`, URLs linked with `rel="nofollow ugc noopener"` (`www.` hosts as https).
 */
export function renderPlainBody(body: string): SafeHtml {
  const text = stripPlainReplyFallback(wellFormedText(body.slice(0, MAX_PLAIN_LENGTH)));
  return trustHtml(text.split(/\r\n|\n|\r/).map(renderLine).join('<br>\n'));
}

/**
 * A one-line plain-text excerpt of at most `max` characters (code points): reply fallback
 * stripped, whitespace collapsed, cut at a word boundary when one is near, with `…`. Not HTML:
 * templates escape it like any other string.
 */
export function plainExcerpt(body: string, max: number): string {
  const text = stripPlainReplyFallback(body.slice(0, MAX_PLAIN_LENGTH)).replace(/\s+/g, ' ').trim();
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max <= 1) return max === 1 ? '…' : '';
  const cut = chars.slice(0, max - 1).join('');
  const space = chars[max - 1] === ' ' ? cut.length : cut.lastIndexOf(' ');
  const head = space >= cut.length * 0.6 ? cut.slice(0, space) : cut;
  return `${head.trimEnd()}…`;
}
