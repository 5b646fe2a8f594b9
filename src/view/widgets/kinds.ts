/**
 * Widget kinds: the `type` strings Element and the integration managers write, folded into
 * one kind each, with the label a person reads. The first type of each pair is the
 * namespaced one (preferred); the second is the legacy one Element still recognises.
 */

export type WidgetKind =
  | 'jitsi'
  | 'etherpad'
  | 'grafana'
  | 'youtube'
  | 'googledoc'
  | 'googlecalendar'
  | 'tradingview'
  | 'spotify'
  | 'stickerpicker'
  | 'integration_manager'
  | 'custom';

export const KIND_LABELS: Readonly<Record<WidgetKind, string>> = {
  jitsi: 'Jitsi video call',
  etherpad: 'Etherpad document',
  grafana: 'Grafana dashboard',
  youtube: 'YouTube video',
  googledoc: 'Google Doc',
  googlecalendar: 'Google Calendar',
  tradingview: 'TradingView chart',
  spotify: 'Spotify player',
  stickerpicker: 'Sticker picker',
  integration_manager: 'Integration manager',
  custom: 'Custom widget',
};

/** Shown instead of the custom label for `dimension-*` types (Dimension integration manager). */
export const DIMENSION_LABEL = 'Custom widget (Dimension)';

const TYPES: ReadonlyMap<string, WidgetKind> = new Map<string, WidgetKind>([
  ['m.jitsi', 'jitsi'],
  ['jitsi', 'jitsi'],
  ['m.etherpad', 'etherpad'],
  ['etherpad', 'etherpad'],
  ['m.grafana', 'grafana'],
  ['grafana', 'grafana'],
  ['m.video', 'youtube'],
  ['youtube', 'youtube'],
  ['m.googledoc', 'googledoc'],
  ['googledocs', 'googledoc'],
  ['m.googlecalendar', 'googlecalendar'],
  ['googlecalendar', 'googlecalendar'],
  ['m.tradingview', 'tradingview'],
  ['tradingview', 'tradingview'],
  ['m.spotify', 'spotify'],
  ['spotify', 'spotify'],
  ['m.stickerpicker', 'stickerpicker'],
  ['m.integration_manager', 'integration_manager'],
  ['m.custom', 'custom'],
  ['customwidget', 'custom'],
]);

export interface KindInfo {
  kind: WidgetKind;
  label: string;
  /** True for `dimension-*` types, which are listed as custom widgets. */
  dimension: boolean;
}

/** Any type not in the table (including `dimension-*`) is a custom widget. Case-sensitive, as in Element. */
export function kindOf(type: string): KindInfo {
  const kind = TYPES.get(type);
  if (kind) return { kind, label: KIND_LABELS[kind], dimension: false };
  if (type.startsWith('dimension-')) return { kind: 'custom', label: DIMENSION_LABEL, dimension: true };
  return { kind: 'custom', label: KIND_LABELS.custom, dimension: false };
}

/** Tools for posting or managing the room, not content: listed, never linked. */
export function isTool(kind: WidgetKind): boolean {
  return kind === 'stickerpicker' || kind === 'integration_manager';
}
