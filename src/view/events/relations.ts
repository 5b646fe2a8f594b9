/**
 * Aggregation of the events that change other events: edits (`m.replace`), reactions
 * (`m.annotation`), redactions, and thread replies. Every field is read defensively: a
 * relation that is not well-formed is simply not a relation.
 */
import { isRecord, parseEvent, type MatrixEvent } from '../../matrix/events.js';
import { optionalString } from '../../matrix/wellformed.js';
import { cleanLine } from './format.js';

export interface RelatesTo {
  relType: string | null;
  eventId: string | null;
  key: string | null;
  inReplyTo: string | null;
  isFallingBack: boolean;
}

/** `content["m.relates_to"]` checked field by field; null when it is absent or not an object. */
export function relatesTo(content: Record<string, unknown>): RelatesTo | null {
  const rel = content['m.relates_to'];
  if (!isRecord(rel)) return null;
  const reply = rel['m.in_reply_to'];
  return {
    relType: optionalString(rel['rel_type']) ?? null,
    eventId: optionalString(rel['event_id']) ?? null,
    key: typeof rel['key'] === 'string' ? rel['key'] : null,
    inReplyTo: isRecord(reply) ? (optionalString(reply['event_id']) ?? null) : null,
    isFallingBack: rel['is_falling_back'] === true,
  };
}

export const isEditEvent = (event: MatrixEvent): boolean =>
  event.state_key === undefined && relatesTo(event.content)?.relType === 'm.replace';

export const isThreadReply = (event: MatrixEvent): boolean =>
  event.state_key === undefined && relatesTo(event.content)?.relType === 'm.thread';

/** The bundled aggregation `unsigned["m.relations"][relType]`, if it is an object. */
export function bundled(event: MatrixEvent, relType: string): Record<string, unknown> | null {
  const relations = event.unsigned?.['m.relations'];
  if (!isRecord(relations)) return null;
  const value = relations[relType];
  return isRecord(value) ? value : null;
}

export const MAX_REACTION_KEY = 40;

export interface ReactionGroup {
  key: string;
  /** The reactions, in the order they were sent, one per sender. */
  reactions: MatrixEvent[];
}

export interface RedactionInfo {
  sender: string | null;
  reason: string | null;
}

const later = (a: MatrixEvent, b: MatrixEvent): boolean =>
  a.origin_server_ts > b.origin_server_ts || (a.origin_server_ts === b.origin_server_ts && a.event_id > b.event_id);

const byTime = (a: MatrixEvent, b: MatrixEvent): number =>
  a.origin_server_ts - b.origin_server_ts || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Everything known about the events around a page, indexed once. */
export class Relations {
  readonly byId = new Map<string, MatrixEvent>();
  private readonly edits = new Map<string, MatrixEvent[]>();
  private readonly reactionEvents = new Map<string, MatrixEvent[]>();
  private readonly redactions = new Map<string, MatrixEvent>();
  private readonly threadReplies = new Map<string, Set<string>>();
  private readonly referencing = new Map<string, MatrixEvent[]>();

  constructor(events: readonly MatrixEvent[], related: readonly MatrixEvent[]) {
    // The page's own copy of an event wins over another copy of it.
    for (const event of related) this.byId.set(event.event_id, event);
    for (const event of events) this.byId.set(event.event_id, event);
    const all = [...this.byId.values()].sort(byTime);
    for (const event of all) {
      if (event.type === 'm.room.redaction' && event.redacts !== undefined && !this.redactions.has(event.redacts)) {
        this.redactions.set(event.redacts, event);
      }
    }
    for (const event of all) {
      if (this.isRedacted(event) || event.state_key !== undefined) continue;
      const rel = relatesTo(event.content);
      if (!rel?.eventId) continue;
      if (rel.relType === 'm.replace') push(this.edits, rel.eventId, event);
      else if (rel.relType === 'm.annotation' && event.type === 'm.reaction') push(this.reactionEvents, rel.eventId, event);
      else if (rel.relType === 'm.reference') push(this.referencing, rel.eventId, event);
      else if (rel.relType === 'm.thread') {
        const set = this.threadReplies.get(rel.eventId) ?? new Set<string>();
        set.add(event.event_id);
        this.threadReplies.set(rel.eventId, set);
      }
    }
  }

  get(eventId: string): MatrixEvent | undefined {
    return this.byId.get(eventId);
  }

  isRedacted(event: MatrixEvent): boolean {
    return isRecord(event.unsigned?.['redacted_because']) || this.redactions.has(event.event_id);
  }

  /** Who redacted the event and why, when it is redacted; null when it is not. */
  redaction(event: MatrixEvent): RedactionInfo | null {
    const because = event.unsigned?.['redacted_because'];
    const redaction = isRecord(because) ? parseEvent(because) : this.redactions.get(event.event_id);
    if (!redaction) return isRecord(because) ? { sender: null, reason: null } : null;
    return { sender: redaction.sender, reason: cleanLine(redaction.content['reason']) };
  }

  /**
   * The latest valid replacement of `original`, or null. Valid (spec, "Validity of
   * replacement events"): same sender and type as the original, neither is a state event,
   * the edit carries `m.new_content` as an object, and the original is not itself an edit.
   */
  latestEdit(original: MatrixEvent): MatrixEvent | null {
    if (original.state_key !== undefined || isEditEvent(original)) return null;
    const candidates = [...(this.edits.get(original.event_id) ?? [])];
    const fromBundle = bundled(original, 'm.replace');
    const bundledEdit = fromBundle ? parseEvent(fromBundle) : null;
    if (bundledEdit && !this.redactions.has(bundledEdit.event_id)) candidates.push(bundledEdit);
    let latest: MatrixEvent | null = null;
    for (const edit of candidates) {
      const rel = relatesTo(edit.content);
      const valid =
        rel?.relType === 'm.replace' &&
        rel.eventId === original.event_id &&
        edit.sender === original.sender &&
        edit.type === original.type &&
        edit.state_key === undefined &&
        isRecord(edit.content['m.new_content']);
      if (valid && (latest === null || later(edit, latest))) latest = edit;
    }
    return latest;
  }

  /** The events that refer to an event with `m.reference` (poll responses and ends), oldest first. */
  references(eventId: string): readonly MatrixEvent[] {
    return this.referencing.get(eventId) ?? [];
  }

  /** Reactions to an event, grouped by cleaned key, most first, then by first appearance. */
  reactions(eventId: string): ReactionGroup[] {
    const groups = new Map<string, { reactions: MatrixEvent[]; first: number }>();
    let order = 0;
    for (const reaction of this.reactionEvents.get(eventId) ?? []) {
      const key = cleanLine(relatesTo(reaction.content)?.key, MAX_REACTION_KEY);
      if (key === null) continue;
      const group = groups.get(key) ?? { reactions: [], first: order++ };
      if (!group.reactions.some((r) => r.sender === reaction.sender)) group.reactions.push(reaction);
      groups.set(key, group);
    }
    return [...groups.entries()]
      .sort(([, a], [, b]) => b.reactions.length - a.reactions.length || a.first - b.first)
      .map(([key, { reactions }]) => ({ key, reactions }));
  }

  /** The number of replies in the thread rooted at `root`: bundled, or counted from known replies. */
  threadCount(root: MatrixEvent): number {
    const count = bundled(root, 'm.thread')?.['count'];
    const known = this.threadReplies.get(root.event_id)?.size ?? 0;
    const given = typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : 0;
    return Math.max(given, known);
  }
}
