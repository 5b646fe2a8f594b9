/**
 * Which state event speaks for each widget, and in what order the widgets come.
 *
 * Merge rule. A widget ID (state key) may have a copy in `im.vector.modular.widgets` (what
 * Element writes) and one in `m.widget` (the spec'd type). Each type's copy is its current
 * state event (if a list holds several for one type and key, the latest origin_server_ts
 * wins, and the later one in the list on a tie). A removal (content without a usable `url`
 * and `type`) removes only that type's copy. Of the live copies, the one with the latest
 * origin_server_ts speaks for the widget; on a tie, `m.widget` wins because it is the spec'd
 * type. So a widget disappears only when both of its copies are removed or absent.
 *
 * Order. With an `io.element.widgets.layout` state event (state key ""), widgets named in its
 * `widgets` map come first: by container (`top`, then `center`, then `right`), then by
 * `index` (widgets without a numeric index after those with one), then by ID. Widgets the
 * layout does not place (including unknown containers) follow, by time. Without a layout,
 * all are ordered by the origin_server_ts of the event that speaks for them, ties by ID.
 */
import { isRecord, type MatrixEvent } from '../../matrix/events.js';
import { parseWidgetContent, type WidgetContent } from './parse.js';

export const ELEMENT_WIDGET_TYPE = 'im.vector.modular.widgets';
export const SPEC_WIDGET_TYPE = 'm.widget';
export const WIDGET_EVENT_TYPES = [ELEMENT_WIDGET_TYPE, SPEC_WIDGET_TYPE] as const;
export type WidgetEventType = (typeof WIDGET_EVENT_TYPES)[number];
export const WIDGET_LAYOUT_EVENT_TYPE = 'io.element.widgets.layout';

export function isWidgetEventType(type: unknown): type is WidgetEventType {
  return type === ELEMENT_WIDGET_TYPE || type === SPEC_WIDGET_TYPE;
}

/** The event that speaks for one live widget, with its content checked. */
export interface CurrentWidget {
  id: string;
  event: MatrixEvent;
  eventType: WidgetEventType;
  content: WidgetContent;
  ts: number;
}

export function timestamp(event: MatrixEvent): number {
  const ts: unknown = event.origin_server_ts;
  return typeof ts === 'number' && Number.isFinite(ts) ? ts : 0;
}

export function currentWidgets(state: readonly MatrixEvent[]): CurrentWidget[] {
  // Latest event per (type, state key).
  const latest = new Map<string, Partial<Record<WidgetEventType, MatrixEvent>>>();
  for (const event of state) {
    if (!isRecord(event) || !isWidgetEventType(event.type) || typeof event.state_key !== 'string') continue;
    const copies = latest.get(event.state_key) ?? {};
    const seen = copies[event.type];
    if (!seen || timestamp(event) >= timestamp(seen)) copies[event.type] = event;
    latest.set(event.state_key, copies);
  }
  const widgets: CurrentWidget[] = [];
  for (const [id, copies] of latest) {
    let best: CurrentWidget | null = null;
    // m.widget is looked at last so that it wins a tie.
    for (const eventType of WIDGET_EVENT_TYPES) {
      const event = copies[eventType];
      const content = event ? parseWidgetContent(event.content as unknown) : null;
      if (!event || !content) continue;
      const ts = timestamp(event);
      if (!best || ts >= best.ts) best = { id, event, eventType, content, ts };
    }
    if (best) widgets.push(best);
  }
  return widgets;
}

export interface LayoutPlace {
  container: number;
  index: number | null;
}

const CONTAINERS: Readonly<Record<string, number>> = { top: 0, center: 1, right: 2 };

/** The places the layout event gives, by widget ID; empty when there is no usable layout. */
export function parseLayout(state: readonly MatrixEvent[]): Map<string, LayoutPlace> {
  const places = new Map<string, LayoutPlace>();
  let layout: MatrixEvent | null = null;
  for (const event of state) {
    if (!isRecord(event) || event.type !== WIDGET_LAYOUT_EVENT_TYPE || event.state_key !== '') continue;
    if (!layout || timestamp(event) >= timestamp(layout)) layout = event;
  }
  const content: unknown = layout?.content;
  if (!isRecord(content) || !isRecord(content['widgets'])) return places;
  for (const [id, place] of Object.entries(content['widgets'])) {
    if (!isRecord(place) || typeof place['container'] !== 'string') continue;
    const container = Object.hasOwn(CONTAINERS, place['container']) ? CONTAINERS[place['container']] : undefined;
    if (container === undefined) continue;
    const index = place['index'];
    places.set(id, { container, index: typeof index === 'number' && Number.isFinite(index) ? index : null });
  }
  return places;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function orderWidgets<T extends { id: string; ts: number }>(widgets: readonly T[], layout: ReadonlyMap<string, LayoutPlace>): T[] {
  return [...widgets].sort((a, b) => {
    const pa = layout.get(a.id);
    const pb = layout.get(b.id);
    if (pa && !pb) return -1;
    if (pb && !pa) return 1;
    if (pa && pb) {
      if (pa.container !== pb.container) return pa.container - pb.container;
      if (pa.index !== pb.index) {
        if (pa.index === null) return 1;
        if (pb.index === null) return -1;
        return pa.index - pb.index;
      }
      return compareIds(a.id, b.id);
    }
    return a.ts - b.ts || compareIds(a.id, b.id);
  });
}
