/**
 * HTML that has already been escaped or sanitised. Templates print only this type raw
 * (`<%~ %>`); every plain string is escaped by eta's autoescape. The brand makes it a type
 * error to hand a template an unsanitised string where trusted HTML is expected.
 */
export type SafeHtml = string & { readonly __safeHtml: unique symbol };

/** Only for markup that this module's callers have produced from escaped parts. */
export function trustHtml(html: string): SafeHtml {
  return html as SafeHtml;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): SafeHtml {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c) as SafeHtml;
}
