/**
 * The one link a person can open for a widget, built without running any of its code, and
 * checked after it is built: only absolute http(s) URLs without credentials are ever
 * returned. Anything else becomes a reason code, and the widget is listed without a link.
 */
import { checkUrl, WEB_PROTOCOLS } from '../html/links.js';
import { encodeComponent } from '../urls.js';
import { isTool, type WidgetKind } from './kinds.js';
import type { WidgetContent } from './parse.js';

export type WidgetReasonCode =
  | 'tool'
  | 'invalid-url'
  | 'not-web'
  | 'credentials'
  | 'too-long'
  | 'jitsi-domain'
  | 'jitsi-no-conference';

/** Sentences for "This widget cannot be opened here: …". */
export const REASONS: Readonly<Record<WidgetReasonCode, string>> = {
  tool: 'It is a tool for posting in the room or managing it, not something to open.',
  'invalid-url': 'Its address is not a valid absolute web address.',
  'not-web': 'Its address is not a web (http or https) link.',
  credentials: 'Its address contains a user name or password.',
  'too-long': 'Its address is too long.',
  'jitsi-domain': 'Its Jitsi server is not a plain host name.',
  'jitsi-no-conference': 'It does not name a Jitsi conference.',
};

export type LinkResult =
  | { ok: true; href: string; host: string; insecure: boolean }
  | { ok: false; code: WidgetReasonCode };

/** The last word on every link: absolute, http or https, no user name or password (html/links.ts). */
export function checkLink(raw: string): LinkResult {
  const checked = checkUrl(raw, WEB_PROTOCOLS);
  if (!checked.ok) return { ok: false, code: checked.code === 'not-allowed' ? 'not-web' : checked.code };
  return { ok: true, href: checked.href, host: checked.url.host, insecure: checked.url.protocol === 'http:' };
}

export interface TemplateContext {
  roomId: string;
  widgetId: string;
}

/** Bounds the size of the one regular expression built per widget. */
const MAX_DATA_KEYS = 256;

/**
 * The values for `$variables`, as matrix-widget-api's runTemplate has them: `data` keys
 * first (given with or without the leading `$`; the plain key wins if both exist), then our
 * own values over them, so data cannot lie about the room or the widget. A viewer has no
 * user, device or client, so those become empty; the theme is light.
 */
export function templateVariables(data: Record<string, unknown>, context: TemplateContext): Map<string, string> {
  const vars = new Map<string, string>();
  let count = 0;
  for (const [rawKey, value] of Object.entries(data)) {
    if (++count > MAX_DATA_KEYS) break;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    const prefixed = rawKey.startsWith('$');
    const key = prefixed ? rawKey.slice(1) : rawKey;
    if (key === '' || (prefixed && Object.hasOwn(data, key))) continue;
    vars.set(key, String(value));
  }
  const own: Record<string, string> = {
    matrix_room_id: context.roomId,
    matrix_widget_id: context.widgetId,
    matrix_user_id: '',
    matrix_display_name: '',
    matrix_avatar_url: '',
    theme: 'light',
    'org.matrix.msc2873.client_id': '',
    'org.matrix.msc2873.client_theme': 'light',
    'org.matrix.msc2873.client_language': '',
    'org.matrix.msc3819.matrix_device_id': '',
    'org.matrix.msc4039.matrix_base_url': '',
  };
  for (const [key, value] of Object.entries(own)) vars.set(key, value);
  return vars;
}

/**
 * Replaces every `$key` in one pass, longest keys first (so `$conferenceId` never eats the
 * start of `$conferenceIdX`), each value percent-encoded. Unknown `$words` stay as they are.
 */
export function fillTemplate(template: string, vars: ReadonlyMap<string, string>): string {
  const keys = [...vars.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return template;
  const pattern = new RegExp(`\\$(${keys.map((key) => RegExp.escape(key)).join('|')})`, 'g');
  return template.replace(pattern, (_match, key: string) => encodeComponent(vars.get(key) ?? ''));
}

export interface BuiltLink {
  link: LinkResult;
  /** Jitsi only: the conference the link opens, as given (not encoded). */
  conference: string | null;
}

export const DEFAULT_JITSI_DOMAIN = 'meet.element.io';

// Labels of letters, digits and hyphens (not at either end), joined by dots; optional port.
const HOST_NAME = /^(?=[^:]{1,253}(?::|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::([0-9]{1,5}))?$/;

export function isPlainHost(domain: string): boolean {
  const match = HOST_NAME.exec(domain);
  return match !== null && (match[1] === undefined || Number(match[1]) <= 65535);
}

function nonEmpty(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** A query parameter of a (possibly relative or still templated) widget URL. */
function queryParam(url: string, name: string): string | null {
  try {
    return new URL(url, 'https://widget.invalid/').searchParams.get(name);
  } catch {
    return null;
  }
}

/** `https://{domain}/{conferenceId}`: the conference ID from data, else from `?confId=`. */
export function jitsiLink(widget: WidgetContent): BuiltLink {
  const conference = nonEmpty(widget.data['conferenceId']) ?? nonEmpty(queryParam(widget.url, 'confId'));
  const rawDomain = widget.data['domain'];
  const domain = rawDomain === undefined || rawDomain === null || rawDomain === '' ? DEFAULT_JITSI_DOMAIN : rawDomain;
  if (typeof domain !== 'string' || !isPlainHost(domain.trim())) return { link: { ok: false, code: 'jitsi-domain' }, conference };
  // `.` and `..` survive encodeURIComponent and would be read as dot segments of the path.
  if (conference === null || conference === '.' || conference === '..') {
    return { link: { ok: false, code: 'jitsi-no-conference' }, conference };
  }
  return { link: checkLink(`https://${domain.trim()}/${encodeComponent(conference)}`), conference };
}

const YOUTUBE_EMBED_HOSTS = new Set(['www.youtube.com', 'youtube.com', 'www.youtube-nocookie.com', 'youtube-nocookie.com']);
const YOUTUBE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `https://www.youtube.com/embed/ID` (or youtube-nocookie.com) as the watch page; else null. */
export function youtubeWatchUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!YOUTUBE_EMBED_HOSTS.has(url.hostname)) return null;
  const match = /^\/embed\/([^/]+)\/?$/.exec(url.pathname);
  if (!match?.[1] || !YOUTUBE_ID.test(match[1])) return null;
  return `https://www.youtube.com/watch?v=${match[1]}`;
}

/** Tries each candidate in turn; the first good link wins, else the last candidate's reason. */
function firstGood(candidates: readonly (string | null)[]): LinkResult {
  let result: LinkResult = { ok: false, code: 'invalid-url' };
  for (const candidate of candidates) {
    if (candidate === null) continue;
    result = checkLink(candidate);
    if (result.ok) return result;
  }
  return result;
}

/** The link for one live widget of the given kind, or the reason there is none. */
export function widgetLink(kind: WidgetKind, widget: WidgetContent, context: TemplateContext): BuiltLink {
  if (isTool(kind)) return { link: { ok: false, code: 'tool' }, conference: null };
  if (kind === 'jitsi') return jitsiLink(widget);
  const dataUrl = typeof widget.data['url'] === 'string' ? widget.data['url'] : null;
  const filled = fillTemplate(widget.url, templateVariables(widget.data, context));
  if (kind === 'youtube') {
    const videoUrl = typeof widget.data['videoUrl'] === 'string' ? widget.data['videoUrl'] : null;
    // The video behind a wrapper page such as `…/video?url=https%3A%2F%2Fwww.youtube.com%2Fembed%2FID`.
    const behind = [queryParam(filled, 'url'), queryParam(filled, 'videoUrl')].map((u) => (u ? youtubeWatchUrl(u) : null));
    const own = [dataUrl, videoUrl].map((u) => (u ? (youtubeWatchUrl(u) ?? u) : null));
    return { link: firstGood([...own, ...behind, youtubeWatchUrl(filled) ?? filled]), conference: null };
  }
  return { link: firstGood([dataUrl, filled]), conference: null };
}
