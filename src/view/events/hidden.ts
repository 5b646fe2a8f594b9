/**
 * The events that clients never show a reader: call signalling, key verification, poll votes,
 * room emote packs, the policy server, and Element Call's leaves, joins to a running call and
 * ring notifications. Hiding them is what keeps raw type strings off the pages.
 */
import type { MatrixEvent } from '../../matrix/events.js';

const HIDDEN_MESSAGE_TYPES = new Set([
  'm.call.candidates',
  'm.call.answer',
  'm.call.select_answer',
  'm.call.negotiate',
  'm.call.sdp_stream_metadata_changed',
  'org.matrix.call.sdp_stream_metadata_changed',
  'm.call.asserted_identity',
  'org.matrix.call.asserted_identity',
  'm.call.replaces',
  'm.call.notify',
  'org.matrix.msc4075.call.notify',
  'org.matrix.msc4075.rtc.notification',
  'm.rtc.notification',
  'm.key.verification.ready',
  'm.key.verification.start',
  'm.key.verification.accept',
  'm.key.verification.key',
  'm.key.verification.mac',
  'm.key.verification.done',
  'm.key.verification.cancel',
  'm.poll.response',
  'org.matrix.msc3381.poll.response',
]);

const HIDDEN_STATE_TYPES = new Set([
  'io.element.widgets.layout',
  'm.room.image_pack',
  'im.ponies.room_emotes',
  'm.room.policy',
  'org.matrix.msc4284.policy',
  'im.vector.modular.widgets.layout',
]);

/** In-room verification starts as an `m.room.message` with this msgtype. */
const HIDDEN_MSGTYPES = new Set(['m.key.verification.request']);

/** Element Call membership: MSC3401's per-user state and MSC4143's per-device state. */
export const CALL_MEMBER_TYPES = new Set(['org.matrix.msc3401.call.member', 'm.call.member', 'm.rtc.member']);

/**
 * Whether a client would hide the event. `startsCall` tells whether a call member event is the
 * one that begins a call (the others of a call are hidden).
 */
export function isHiddenEvent(event: MatrixEvent, startsCall: (event: MatrixEvent) => boolean): boolean {
  if (event.state_key !== undefined) {
    if (HIDDEN_STATE_TYPES.has(event.type)) return true;
    return CALL_MEMBER_TYPES.has(event.type) && !startsCall(event);
  }
  if (HIDDEN_MESSAGE_TYPES.has(event.type)) return true;
  return event.type === 'm.room.message' && HIDDEN_MSGTYPES.has(event.content['msgtype'] as string);
}
