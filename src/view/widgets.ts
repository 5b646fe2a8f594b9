/**
 * Room widgets as view models: every widget a room's state lists, in the room's order, each
 * with one safe link a person can open without JavaScript, or the reason there is none.
 * Pure functions over checked events; the widget content itself is untrusted throughout.
 *
 * The rules live in widgets/: parse.ts (content, text), kinds.ts (types and labels),
 * links.ts (templating and link checks), merge.ts (the two event types, and order).
 */
import type { MatrixEvent } from '../matrix/events.js';
import { thumbnailPath } from './urls.js';
import { kindOf, type WidgetKind } from './widgets/kinds.js';
import { REASONS, widgetLink, type WidgetReasonCode } from './widgets/links.js';
import { currentWidgets, isWidgetEventType, orderWidgets, parseLayout, timestamp, type WidgetEventType } from './widgets/merge.js';
import { cleanText, parseWidgetContent, type WidgetContent } from './widgets/parse.js';

export { KIND_LABELS, type WidgetKind } from './widgets/kinds.js';
export { REASONS, type WidgetReasonCode } from './widgets/links.js';
export {
  WIDGET_EVENT_TYPES,
  WIDGET_LAYOUT_EVENT_TYPE,
  isWidgetEventType,
  type WidgetEventType,
} from './widgets/merge.js';
export { cleanText } from './widgets/parse.js';

/** Avatars are asked of the media proxy at this size (square, cropped). */
export const WIDGET_AVATAR_SIZE = 32;

export interface WidgetView {
  /** The state key: the widget's ID (`content.id` is ignored). Untrusted text; escape it. */
  id: string;
  /** `name` made fit to show, else the kind's label. */
  name: string;
  /** `data.title` made fit to show, or null. */
  title: string | null;
  kind: WidgetKind;
  /** "Jitsi video call", "Custom widget (Dimension)", ... */
  kindLabel: string;
  /** The widget's `type` as written, made fit to show. */
  type: string;
  /** True for `dimension-*` types (listed as custom). */
  dimension: boolean;
  /** Who sent the state event that speaks for the widget, and when (ms since the epoch). */
  sender: string;
  ts: number;
  eventId: string;
  eventType: WidgetEventType;
  /** Media proxy path for `avatar_url`, or null when it is not a valid mxc URI. */
  avatar: string | null;
  /** An absolute http(s) URL without credentials, or null; exactly one of href and reason is set. */
  href: string | null;
  /** The host (with port, if any) the link opens, for "opens meet.example.org". */
  host: string | null;
  /** True when href is plain http. */
  insecure: boolean;
  reasonCode: WidgetReasonCode | null;
  /** Why there is no link: one sentence. */
  reason: string | null;
  /** Jitsi: the conference name made fit to show; else null. */
  conference: string | null;
  /** The event's content as received, for a "raw state" view (JSON.stringify, then escape). */
  content: unknown;
}

interface Source {
  id: string;
  event: MatrixEvent;
  eventType: WidgetEventType;
  content: WidgetContent;
}

function toView({ id, event, eventType, content }: Source, roomId: string): WidgetView {
  const { kind, label, dimension } = kindOf(content.type);
  const { link, conference } = widgetLink(kind, content, { roomId, widgetId: id });
  return {
    id,
    name: cleanText(content.name) ?? label,
    title: cleanText(content.data['title']),
    kind,
    kindLabel: label,
    type: cleanText(content.type) ?? '',
    dimension,
    sender: event.sender,
    ts: timestamp(event),
    eventId: event.event_id,
    eventType,
    avatar: thumbnailPath(content.avatarUrl, WIDGET_AVATAR_SIZE, WIDGET_AVATAR_SIZE),
    href: link.ok ? link.href : null,
    host: link.ok ? link.host : null,
    insecure: link.ok && link.insecure,
    reasonCode: link.ok ? null : link.code,
    reason: link.ok ? null : REASONS[link.code],
    conference: cleanText(conference),
    content: event.content as unknown,
  };
}

/**
 * Every live widget in the room's current state, in the room's order (see widgets/merge.ts
 * for the merge rule between the two event types and for the order). `state` may hold any
 * state events; only widget and layout events are read. `roomId` fills `$matrix_room_id`.
 */
export function buildWidgets(state: readonly MatrixEvent[], roomId: string): WidgetView[] {
  const ordered = orderWidgets(currentWidgets(state), parseLayout(state));
  return ordered.map((widget) => toView(widget, roomId));
}

export interface WidgetCounts {
  /** Widgets shown in the list. */
  listed: number;
  /** Those with a link. */
  usable: number;
}

export function countWidgets(widgets: readonly WidgetView[]): WidgetCounts {
  return { listed: widgets.length, usable: widgets.filter((widget) => widget.href !== null).length };
}

export type WidgetAction = 'added' | 'removed' | 'changed';

export interface WidgetChange {
  action: WidgetAction;
  /** The widget as this event leaves it; null when removed. */
  widget: WidgetView | null;
  /** The widget's name as the sentence shows it (for removals, its name before). */
  name: string;
  /** Its kind label, or null when a removal does not say what was removed. */
  kindLabel: string | null;
}

/**
 * What one widget state event did, for the timeline: "X added the widget Y (Jitsi video
 * call)". `prevContent` is the state key's content before the event, by default
 * `unsigned.prev_content`. Null when the event is not a widget state event. An event that
 * removes what was never there is reported as a removal, named by the widget's ID.
 */
export function describeWidgetEvent(
  event: MatrixEvent,
  roomId: string,
  prevContent: unknown = event.unsigned?.['prev_content'],
): WidgetChange | null {
  if (!isWidgetEventType(event.type) || typeof event.state_key !== 'string') return null;
  const id = event.state_key;
  const now = parseWidgetContent(event.content as unknown);
  const before = parseWidgetContent(prevContent);
  if (now) {
    const widget = toView({ id, event, eventType: event.type, content: now }, roomId);
    return { action: before ? 'changed' : 'added', widget, name: widget.name, kindLabel: widget.kindLabel };
  }
  if (before) {
    const { label } = kindOf(before.type);
    return { action: 'removed', widget: null, name: cleanText(before.name) ?? label, kindLabel: label };
  }
  return { action: 'removed', widget: null, name: cleanText(id) ?? 'widget', kindLabel: null };
}
