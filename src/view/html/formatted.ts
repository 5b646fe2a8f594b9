/**
 * `org.matrix.custom.html` bodies through sanitize-html, restricted to the subset of HTML the
 * Matrix client-server spec allows (m.room.message, "HTML"), rewritten so that the result
 * requests nothing from another origin and reads well in browsers without CSS.
 *
 * One transform builds every kept element's attributes from scratch out of validated values;
 * sanitize-html's allowlists then act as a second gate. User-supplied `style`, `class`
 * (other than `language-*` on `code`), `id` and every other attribute never survive.
 */
import sanitizeHtml from 'sanitize-html';
import type { Attributes, IOptions, Tag } from 'sanitize-html';
import { wellFormedText } from '../../matrix/wellformed.js';
import { trustHtml, type SafeHtml } from '../safe-html.js';
import { DEFAULT_THUMBNAILS, thumbnailBox, thumbnailPath } from '../urls.js';
import { hexColour, LINK_REL, safeHref } from './links.js';
import { flow, SPOILER_ATTR } from './structure.js';
import { parseTree, serialise } from './tree.js';

/** A Matrix event is at most 64 KiB, so a longer body is hostile; the rest is cut off. */
export const MAX_FORMATTED_LENGTH = 65_536;
/** The spec suggests clients limit nesting to 100 levels; deeper tags lose their markup. */
export const MAX_NESTING = 100;
/** Largest width or height an inline image is shown at. */
export const MAX_IMAGE_SIZE = 800;
const MAX_SPOILER_REASON = 100;
const MAX_ALT = 300;

const ALLOWED_TAGS = [
  'font', 'del', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'p', 'a', 'ul', 'ol', 'sup',
  'sub', 'li', 'b', 'i', 'u', 'strong', 'em', 's', 'code', 'hr', 'br', 'div', 'table', 'thead',
  'tbody', 'tr', 'th', 'td', 'caption', 'pre', 'span', 'img', 'details', 'summary',
];

/** Disallowed elements whose content is dropped too, not only their tags. */
const DROP_WITH_CONTENT = [
  'mx-reply', 'script', 'style', 'textarea', 'option', 'select', 'xmp', 'noscript', 'template',
  'iframe', 'object', 'embed', 'svg', 'math', 'title', 'noembed', 'noframes', 'plaintext',
];

function dimension(raw: string | undefined): number | null {
  if (raw === undefined || !/^\s*\d{1,6}\s*$/.test(raw)) return null;
  const value = Number(raw);
  return value > 0 ? value : null;
}

/** Shrinks the given display size, keeping its aspect ratio, to fit MAX_IMAGE_SIZE. */
function fit(width: number | null, height: number | null): [number | null, number | null] {
  const scale = Math.min(1, MAX_IMAGE_SIZE / (width ?? 1), MAX_IMAGE_SIZE / (height ?? 1));
  const shrink = (n: number | null) => (n === null ? null : Math.max(1, Math.round(n * scale)));
  return [shrink(width), shrink(height)];
}

function thumbnailSize(width: number | null, height: number | null): readonly [number, number] {
  const w = width ?? height ?? MAX_IMAGE_SIZE;
  const h = height ?? width ?? MAX_IMAGE_SIZE;
  return thumbnailBox(w, h, DEFAULT_THUMBNAILS);
}

function image(attribs: Attributes): Tag {
  const [width, height] = fit(dimension(attribs.width), dimension(attribs.height));
  const [tw, th] = thumbnailSize(width, height);
  const src = thumbnailPath(attribs.src, tw, th, 'scale');
  // Without a src the image is removed whole by `exclusiveFilter`.
  if (src === null) return { tagName: 'img', attribs: {} };
  const out: Attributes = { src, alt: (attribs.alt ?? attribs.title ?? '').slice(0, MAX_ALT) };
  if (attribs.title) out.title = attribs.title.slice(0, MAX_ALT);
  if (width !== null) out.width = String(width);
  if (height !== null) out.height = String(height);
  return { tagName: 'img', attribs: out };
}

/** A link to a non-allowed or relative URL keeps its text and loses its `<a>`. */
function link(attribs: Attributes): Tag {
  const href = attribs.href === undefined ? null : safeHref(attribs.href);
  return href === null ? { tagName: 'span', attribs: {} } : { tagName: 'a', attribs: { href, rel: LINK_REL } };
}

/**
 * `<font>` and `<span>` become a `<span>` whose inline style we write ourselves from validated
 * `#rrggbb` colours: `<font>` is obsolete in HTML5 (the pages must validate), and every
 * browser that shows colour at all reads an inline `color`. A spoiler becomes our marked
 * `<details>`.
 */
function styled(tagName: string, attribs: Attributes): Tag {
  if (tagName === 'span' && attribs['data-mx-spoiler'] !== undefined) {
    return { tagName: 'details', attribs: { [SPOILER_ATTR]: attribs['data-mx-spoiler'].slice(0, MAX_SPOILER_REASON) } };
  }
  const fg = hexColour(attribs['data-mx-color'] ?? (tagName === 'font' ? attribs.color : undefined));
  const bg = hexColour(attribs['data-mx-bg-color']);
  const styles = [fg !== null ? `color:${fg}` : '', bg !== null ? `background-color:${bg}` : ''].filter(Boolean);
  return { tagName: 'span', attribs: styles.length > 0 ? { style: styles.join(';') } : {} };
}

function transform(tagName: string, attribs: Attributes): Tag {
  switch (tagName) {
    case 'a':
      return link(attribs);
    case 'img':
      return image(attribs);
    case 'font':
    case 'span':
      return styled(tagName, attribs);
    case 'ol':
      return { tagName, attribs: /^-?\d{1,6}$/.test(attribs.start ?? '') ? { start: attribs.start! } : {} };
    case 'code':
      return { tagName, attribs: attribs.class === undefined ? {} : { class: attribs.class } };
    default:
      return { tagName, attribs: {} };
  }
}

const OPTIONS: IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    span: ['style'],
    ol: ['start'],
    details: [SPOILER_ATTR],
  },
  allowedClasses: { code: [/^language-[A-Za-z0-9_+#.-]{1,40}$/] },
  allowedStyles: { '*': { color: [/^#[0-9a-f]{6}$/], 'background-color': [/^#[0-9a-f]{6}$/] } },
  parseStyleAttributes: true,
  allowedSchemes: ['http', 'https', 'ftp', 'mailto', 'magnet'],
  // Images only ever point at our media proxy, a path without a scheme.
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROP_WITH_CONTENT,
  nestingLimit: MAX_NESTING,
  transformTags: { '*': transform },
  // An unusable image is removed whole. (Renaming it to an unknown tag instead would leave an
  // unknown element open, unbalancing what follows, since the original <img> was void.)
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs['src'],
};

/**
 * Sanitises an `org.matrix.custom.html` body: sanitize-html keeps the spec's tags with our own
 * attributes, then the result is rebuilt to follow the HTML content model (structure.ts), so
 * that it parses inside the page's container as written and never reaches out of it.
 */
export function sanitizeFormattedBody(html: string): SafeHtml {
  // Well-formed already if it came through matrix/; this keeps NUL out of pages whatever the source.
  const input = wellFormedText(html.length > MAX_FORMATTED_LENGTH ? html.slice(0, MAX_FORMATTED_LENGTH) : html);
  return trustHtml(serialise(flow(parseTree(sanitizeHtml(input, OPTIONS)))));
}
