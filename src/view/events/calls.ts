/**
 * Calls as one sentence each: a 1:1 call (`m.call.invite`, `hangup`, `reject`) and an Element
 * Call (`org.matrix.msc3401.call.member` and its successors) beginning. The signalling in
 * between is hidden (hidden.ts).
 */
import { isRecord, type MatrixEvent } from '../../matrix/events.js';
import { CALL_MEMBER_TYPES } from './hidden.js';
import type { SentencePart } from './types.js';

const text = (value: string): SentencePart => ({ text: value });

/** Whether a call member content says someone is in the call (a leave is `{}` or no memberships). */
export function inCall(content: unknown): boolean {
  if (!isRecord(content)) return false;
  const memberships = content['memberships'];
  if (Array.isArray(memberships)) return memberships.some((m) => isRecord(m));
  return typeof content['application'] === 'string' || typeof content['call_id'] === 'string';
}

/** A call member event in which this member (or device) enters a call, judged from the event alone. */
export function joinsCall(event: MatrixEvent): boolean {
  return CALL_MEMBER_TYPES.has(event.type) && event.state_key !== undefined && inCall(event.content) && !inCall(event.unsigned?.['prev_content']);
}

/**
 * Walks the page's events in order and picks the call member events that start a call: the
 * first join while nobody else is known to be in the call. Joins to a running call, and
 * leaves, are left out.
 */
export function callStarts(events: readonly MatrixEvent[]): Set<string> {
  const present = new Set<string>();
  const starts = new Set<string>();
  for (const event of events) {
    if (!CALL_MEMBER_TYPES.has(event.type) || event.state_key === undefined) continue;
    const key = `${event.type}\u0000${event.state_key}`;
    if (inCall(event.content)) {
      if (present.size === 0 && joinsCall(event)) starts.add(event.event_id);
      present.add(key);
    } else {
      present.delete(key);
    }
  }
  return starts;
}

/** Whether the offer of an `m.call.invite` carries video (its SDP has a video media line). */
function isVideoOffer(content: Record<string, unknown>): boolean {
  const offer = content['offer'];
  const sdp = isRecord(offer) ? offer['sdp'] : undefined;
  return typeof sdp === 'string' && /^m=video /m.test(sdp);
}

/** The sentence after the sender's name for a call event, or null when it is not one. */
export function callSentence(event: MatrixEvent): SentencePart[] | null {
  switch (event.type) {
    case 'm.call.invite':
      return [text(isVideoOffer(event.content) ? ' placed a video call' : ' placed a voice call')];
    case 'm.call.hangup':
      return [text(' ended the call')];
    case 'm.call.reject':
      return [text(' declined the call')];
    default:
      return CALL_MEMBER_TYPES.has(event.type) && inCall(event.content) ? [text(' started a video call')] : null;
  }
}
