/**
 * schema.org structured data for conversation pages (threads, days): a
 * `DiscussionForumPosting` whose first message is the posting and the rest its `comment`s.
 *
 * Pages carry it as microdata (itemscope/itemprop on `<meta>`/`<link>` elements, printed by
 * templates/partials/discussion.eta), not as `<script type="application/ld+json">`: search
 * engines read both, and this way "no `<script>` in any page" stays literally true.
 */
import { bodyText, clip } from './text.js';
import type { EventView, TimelineView } from './timeline.js';
import { absoluteUrl, matrixToLink } from './urls.js';

export const POSTING_TYPE = 'https://schema.org/DiscussionForumPosting';
export const COMMENT_TYPE = 'https://schema.org/Comment';
export const PERSON_TYPE = 'https://schema.org/Person';

export interface PostingPart {
  text: string;
  /** Absolute permalink. */
  url: string;
  /** ISO 8601. */
  datePublished: string;
  author: { name: string; url: string };
}

export interface DiscussionData extends PostingPart {
  /** The schema.org types of the posting, its comments and their authors, for `itemtype`. */
  types: { posting: typeof POSTING_TYPE; comment: typeof COMMENT_TYPE; person: typeof PERSON_TYPE };
  headline: string;
  /** Absolute URL of the page that shows the whole discussion. */
  pageUrl: string;
  comments: PostingPart[];
  commentCount: number;
}

const ROOT_TEXT = 2000;
const COMMENT_TEXT = 500;
/** Comments carried as data; the page shows them all anyway. */
const MAX_COMMENTS = 100;

type MessageView = Extract<EventView, { kind: 'message' }>;

function part(event: MessageView, publicUrl: string, max: number): PostingPart {
  return {
    text: clip(bodyText(event.body), max),
    url: absoluteUrl(publicUrl, event.permalink),
    datePublished: new Date(event.ts).toISOString(),
    author: { name: event.sender.name, url: matrixToLink(event.sender.userId) },
  };
}

/**
 * The discussion a timeline shows: its first message is the posting, the others comments.
 * `headline` defaults to the start of the first message. None when the page has no message.
 */
export function buildDiscussion(input: { timeline: TimelineView; publicUrl: string; pagePath: string; headline?: string }): DiscussionData | undefined {
  const messages: MessageView[] = [];
  for (const item of input.timeline.items) if (item.kind === 'event' && item.event.kind === 'message') messages.push(item.event);
  const [first, ...rest] = messages;
  if (!first) return undefined;
  const root = part(first, input.publicUrl, ROOT_TEXT);
  return {
    ...root,
    types: { posting: POSTING_TYPE, comment: COMMENT_TYPE, person: PERSON_TYPE },
    headline: clip(input.headline ?? (root.text || 'A message'), 110),
    pageUrl: absoluteUrl(input.publicUrl, input.pagePath),
    comments: rest.slice(0, MAX_COMMENTS).map((event) => part(event, input.publicUrl, COMMENT_TEXT)),
    commentCount: rest.length,
  };
}
