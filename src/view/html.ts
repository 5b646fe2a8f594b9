/**
 * The one place where message bodies from the homeserver become HTML. Everything else in the
 * view layer escapes; only these functions produce `SafeHtml` from untrusted input.
 */
export { sanitizeFormattedBody, MAX_FORMATTED_LENGTH, MAX_NESTING, MAX_IMAGE_SIZE } from './html/formatted.js';
export { renderPlainBody, stripPlainReplyFallback, plainExcerpt, MAX_PLAIN_LENGTH } from './html/plain.js';
export { safeHref, hexColour, LINK_REL } from './html/links.js';
