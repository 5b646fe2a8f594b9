import type { RoomState } from '../rooms/state.js';
import { cleanName, isoTime, utcDateTime } from './events/format.js';
import { roomSubPath } from './urls.js';

/** How long what a room takes back may still be seen: the viewer's part and a CDN's part. */
export interface TakedownBudget {
  /** ROOM_FRESHNESS_SECONDS + 1: the viewer's own bound. */
  viewerSeconds: number;
  /** CDN_MAX_AGE_SECONDS: max-age plus stale-while-revalidate of any page, at most. */
  cdnSeconds: number;
}

/**
 * Why a room is readable here and how its admins take it out: shown in full on the info
 * page and as one line on the room page, so nobody has to guess.
 */
export interface TransparencyView {
  /** The state event's value, e.g. `world_readable`. */
  visibility: string;
  setBy: string | undefined;
  setAt: string | undefined;
  setAtIso: string | undefined;
  listed: boolean;
  /** Listed, and the operator lets crawlers in. */
  indexed: boolean;
  /** One sentence on the directory and indexing. */
  listing: string;
  /** The same, short, for the room page's line. */
  listingBrief: string;
  /** How a room admin takes the room out, one sentence each. */
  waysOut: string[];
  /** What a redaction does here. */
  redactions: string;
  /** The info page's section, and the room page's link to it. */
  anchor: string;
  href: string;
}

/** The info page's section. */
const ANCHOR = 'why-shown';

function seconds(n: number): string {
  return n >= 120 && n % 60 === 0 ? `${n / 60} minutes` : `${n} ${n === 1 ? 'second' : 'seconds'}`;
}

export function buildTransparency(
  state: RoomState,
  opts: { ref: string; published: boolean; indexing: boolean; budget: TakedownBudget; names?: ReadonlyMap<string, string> },
): TransparencyView {
  const setter = state.historyVisibilitySetBy;
  const name = setter ? cleanName(opts.names?.get(setter)) : null;
  const indexed = opts.published && opts.indexing;
  const { viewerSeconds, cdnSeconds } = opts.budget;
  const within = `within ${seconds(viewerSeconds)} here, and within ${seconds(viewerSeconds + cdnSeconds)} in caches in front of this viewer`;
  const listing = opts.published
    ? indexed
      ? 'It is in the public room directory, so this viewer lists it and lets search engines index its pages.'
      : 'It is in the public room directory, so this viewer lists it; this viewer asks search engines not to index any page.'
    : 'It is not in the public room directory, so this viewer does not list it and its pages ask search engines not to index them.';
  return {
    visibility: state.historyVisibility ?? 'unknown',
    setBy: setter ? (name && name !== setter ? `${name} (${setter})` : setter) : undefined,
    setAt: state.historyVisibilitySetAt !== undefined ? utcDateTime(state.historyVisibilitySetAt) : undefined,
    setAtIso: state.historyVisibilitySetAt !== undefined ? isoTime(state.historyVisibilitySetAt) : undefined,
    listed: opts.published,
    indexed,
    listing,
    listingBrief: indexed ? 'In the public directory, so indexed.' : opts.published ? 'In the public directory; not indexed here.' : 'Not in the public directory, so not indexed.',
    waysOut: [
      `Make the room’s history readable by members only (any history visibility but “world_readable”): every page of it here then answers “cannot be shown”, and everything this viewer holds of it is dropped, ${within}.`,
      `Take the room out of the public room directory: it then leaves this viewer’s listing and sitemaps and its pages ask search engines not to index them, ${within}; it stays readable by its address.`,
      'Ask the operator of this viewer, who can hide any room, address or server for good with ROOM_DENYLIST.',
    ],
    redactions: `A deleted (redacted) message disappears from every page here, quotes and feed included, ${within}.`,
    anchor: ANCHOR,
    href: `${roomSubPath(opts.ref, 'info')}#${ANCHOR}`,
  };
}
