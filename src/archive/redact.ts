import type { MatrixEvent } from '../matrix/events.js';

/** The placeholder a redacted event leaves: its envelope, no content, and what redacted it. */
export function redactedCopy(event: MatrixEvent, redaction: MatrixEvent): MatrixEvent {
  return { ...event, content: {}, unsigned: { ...event.unsigned, redacted_because: redaction } };
}

/** The redaction that the homeserver already applied to this copy, if any. */
export function redactedBy(event: MatrixEvent): MatrixEvent | undefined {
  const because = event.unsigned?.['redacted_because'];
  return because && typeof because === 'object' && !Array.isArray(because) ? (because as MatrixEvent) : undefined;
}

/** The MATCH expression for FTS5: every term a quoted phrase of plain words, all required. */
export function ftsMatch(terms: readonly string[][]): string {
  return terms.map((words) => `"${words.join(' ')}"`).join(' ');
}
