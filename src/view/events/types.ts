/**
 * The timeline's view model: what templates/partials/timeline.eta presents. Every string is
 * plain text (templates escape it) except fields typed `SafeHtml`.
 */
import type { SafeHtml } from '../safe-html.js';
import type { PollView } from './polls.js';

export interface SenderView {
  userId: string;
  /** Display name at the event (cleaned), else the user ID; disambiguated when shared. */
  name: string;
  /** Media proxy path of a 32x32 crop of the avatar at the event, or null. */
  avatar: string | null;
  /** Shown instead of an avatar. */
  letter: string;
}

/**
 * One piece of a sentence: the template prints text, names in bold, code as `<code>`, links as
 * `<a>` (`external` ones, to another site, with `rel="nofollow noopener"`).
 */
export type SentencePart = { text: string } | { name: string } | { code: string } | { link: string; text: string; external: boolean };

export interface ReactionView {
  key: string;
  count: number;
  /** Names of the senders, in the order they reacted. */
  senders: string[];
  /** The same names as one line, for the reaction's title. */
  title: string;
}

export interface ThreadView {
  count: number;
  href: string;
  /** "1 reply in thread", "3 replies in thread". */
  label: string;
}

/** The line under an event; each part is shown when set. */
export interface EventFooter {
  edited: boolean;
  reactions: ReactionView[] | null;
  thread: ThreadView | null;
  dayHref: string | null;
}

export type ReplyView =
  | { found: true; href: string; senderName: string; excerpt: string; deleted: boolean }
  | { found: false; href: string };

export interface ImageView {
  src: string;
  /** Always known: the fitted size, or the box of a cropped thumbnail. */
  width: number;
  height: number;
}

export type MessageBody =
  | { type: 'text' | 'notice' | 'emote'; html: SafeHtml }
  | {
      type: 'image' | 'sticker';
      /** "Image" or "Sticker" (view/text.ts MEDIA_LABELS). */
      label: string;
      /** The thumbnail, or null when the server gave no usable one (then only a link). */
      image: ImageView | null;
      alt: string;
      /** Download of the full file. */
      href: string;
      name: string;
      size: string | null;
      /** "640 × 480" or null. */
      dimensions: string | null;
      caption: SafeHtml | null;
    }
  | {
      type: 'file' | 'audio' | 'video';
      /** "File", "Audio" or "Video". */
      label: string;
      href: string;
      name: string;
      size: string | null;
      duration: string | null;
      mimetype: string | null;
      /** For audio and video a browser can play: `<audio controls>`/`<video controls>` of this source. */
      player: { src: string; type: string; /** `<audio>`, else `<video>`. */ audio: boolean } | null;
      caption: SafeHtml | null;
    }
  | {
      type: 'location';
      description: string;
      /** `geo:lat,lon` or null when the URI is not valid. */
      geoUri: string | null;
      mapHref: string | null;
    }
  | { type: 'invalid'; /** "image", "file"... */ what: string; name: string | null }
  | { type: 'unknown'; msgtype: string | null; html: SafeHtml | null };

export interface EventCommon {
  id: string;
  /** The `id` attribute of the event's block. */
  anchor: string;
  permalink: string;
  /** The archive page of the event's UTC day. */
  /** The day page of the event, or null on that day page itself. */
  dayHref: string | null;
  /** The Matrix event type. */
  type: string;
  sender: SenderView;
  ts: number;
  isoTime: string;
  /** "14:05 UTC". */
  time: string;
  highlighted: boolean;
  reactions: ReactionView[];
  thread: ThreadView | null;
  /** The classes of the event's block: its kind, a message's type, whether it is highlighted. */
  classes: string;
  /** The line under the event, or null when it has nothing to say there. */
  footer: EventFooter | null;
}

export type EventView =
  | (EventCommon & { kind: 'message'; body: MessageBody; edited: boolean; reply: ReplyView | null })
  | (EventCommon & {
      kind: 'redacted';
      /** The redacting user's name, or null when unknown or when it was the sender. */
      by: string | null;
      bySender: boolean;
      reason: string | null;
      /** True for state events ("Event deleted"). */
      state: boolean;
      /** "Message deleted" or "Event deleted". */
      label: string;
    })
  | (EventCommon & { kind: 'encrypted' })
  /** A state change or a call, as a sentence that begins with the sender's name. */
  | (EventCommon & { kind: 'state'; sentence: SentencePart[] })
  | (EventCommon & { kind: 'poll'; poll: PollView; edited: boolean })
  /** A run of events this viewer cannot show, one line for the run. */
  | (EventCommon & { kind: 'unknown'; description: string; count: number });

export type { PollView };
