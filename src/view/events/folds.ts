/**
 * Quiet churn: runs of three or more membership and profile changes fold into one line ("5
 * people joined, 2 left, 1 changed their name") whose details open without JavaScript; runs
 * of events this viewer cannot show become one neutral line. A highlighted event keeps its
 * run open (or, for unknown events, out of the run).
 */
import type { MatrixEvent } from '../../matrix/events.js';
import { membershipChange, type MembershipChange } from './membership.js';
import type { EventView } from './types.js';

export const MIN_FOLD = 3;

export interface FoldView {
  summary: string;
  /** The `id` of the fold's block: its first event's anchor with a suffix. */
  anchor: string;
  isoTime: string;
  time: string;
  /** Open when it holds the highlighted event. */
  open: boolean;
  events: EventView[];
}

/** What a page lays out: single events, folded runs. */
export type Laid = { kind: 'event'; event: EventView } | { kind: 'fold'; fold: FoldView };

const WORDS: [MembershipChange, (n: number) => string][] = [
  ['joined', (n) => `${n} ${n === 1 ? 'person' : 'people'} joined`],
  ['left', (n) => `${n} left`],
  ['invited', (n) => `${n} ${n === 1 ? 'was' : 'were'} invited`],
  ['removed', (n) => `${n} ${n === 1 ? 'was' : 'were'} removed`],
  ['banned', (n) => `${n} ${n === 1 ? 'was' : 'were'} banned`],
  ['unbanned', (n) => `${n} ${n === 1 ? 'was' : 'were'} unbanned`],
  ['name', (n) => `${n} changed their name`],
  ['avatar', (n) => `${n} changed their avatar`],
  ['other', (n) => `${n} other ${n === 1 ? 'change' : 'changes'}`],
];

export function churnSummary(events: readonly MatrixEvent[]): string {
  const counts = new Map<MembershipChange, number>();
  for (const event of events) {
    const change = membershipChange(event);
    counts.set(change, (counts.get(change) ?? 0) + 1);
  }
  const parts = WORDS.filter(([change]) => counts.has(change)).map(([change, words]) => words(counts.get(change)!));
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const isChurn = (view: EventView): boolean => view.kind === 'state' && view.type === 'm.room.member';
const isUnknown = (view: EventView): boolean => view.kind === 'unknown' && !view.highlighted;

function mergeUnknown(run: EventView[]): EventView {
  const first = run[0]!;
  if (run.length === 1 || first.kind !== 'unknown') return first;
  const types = [...new Set(run.map((view) => view.type))];
  const named = types.slice(0, 3).join(', ') + (types.length > 3 ? ', …' : '');
  return { ...first, description: `sent ${run.length} events of kinds this viewer cannot show (${named})`, count: run.length };
}

/**
 * Folds the runs of one day's events (chronological, with their raw events beside them).
 * The caller passes each day's events separately, so no fold crosses a day separator.
 */
export function foldRuns(views: readonly { view: EventView; event: MatrixEvent }[]): Laid[] {
  const laid: Laid[] = [];
  let i = 0;
  while (i < views.length) {
    const { view } = views[i]!;
    const same = isChurn(view) ? isChurn : isUnknown(view) ? isUnknown : null;
    let end = i + 1;
    if (same) while (end < views.length && same(views[end]!.view)) end++;
    const run = views.slice(i, end);
    if (same === isChurn && run.length >= MIN_FOLD) {
      laid.push({
        kind: 'fold',
        fold: {
          summary: churnSummary(run.map((r) => r.event)),
          anchor: `${view.anchor}-run`,
          isoTime: view.isoTime,
          time: view.time,
          open: run.some((r) => r.view.highlighted),
          events: run.map((r) => r.view),
        },
      });
    } else if (same === isUnknown) {
      laid.push({ kind: 'event', event: mergeUnknown(run.map((r) => r.view)) });
    } else {
      for (const r of run) laid.push({ kind: 'event', event: r.view });
    }
    i = end;
  }
  return laid;
}
