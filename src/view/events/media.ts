/**
 * Attachments: images and stickers (a thumbnail linked to the file), files, audio and video
 * (download links), and locations (a geo: URI and a map site). An attachment whose `url` is
 * not a valid mxc URI becomes an "invalid attachment" line; nothing here throws.
 */
import { isRecord } from '../../matrix/events.js';
import { renderPlainBody, sanitizeFormattedBody } from '../html.js';
import type { SafeHtml } from '../safe-html.js';
import { MEDIA_LABELS } from '../text.js';
import { downloadPath, parseMxc, thumbnailPath } from '../urls.js';
import { cleanLine, humanDuration, humanSize, pixels } from './format.js';
import type { ImageView, MessageBody } from './types.js';

/** Image thumbnails are shown at most this large, keeping their aspect ratio. */
export const THUMBNAIL_BOX = { width: 320, height: 240 } as const;
const MAX_ALT = 300;

type Content = Record<string, unknown>;

function infoOf(content: Content): Content {
  const info = content['info'];
  return isRecord(info) ? info : {};
}

/** The file's name: `filename`, else `body`, cleaned. */
function fileName(content: Content, fallback: string): string {
  return cleanLine(content['filename']) ?? cleanLine(content['body']) ?? fallback;
}

/** File name extensions for the media types people send, for names that have none ("Voice message"). */
const EXTENSIONS: Record<string, string> = {
  'audio/ogg': 'ogg', 'audio/opus': 'opus', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/aac': 'aac', 'audio/webm': 'weba',
  'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/wave': 'wav', 'audio/flac': 'flac', 'audio/x-flac': 'flac',
  'video/mp4': 'mp4', 'video/webm': 'webm', 'video/ogg': 'ogv', 'video/quicktime': 'mov',
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg',
  'application/pdf': 'pdf', 'text/plain': 'txt', 'application/zip': 'zip', 'application/json': 'json',
};

/** Media types a browser plays in `<audio>` or `<video>` and the proxy serves inline (web/media.ts). */
export const PLAYABLE_TYPES = new Set([
  'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/opus', 'audio/webm', 'audio/wav', 'audio/x-wav', 'audio/wave', 'audio/flac', 'audio/x-flac',
  'video/mp4', 'video/webm', 'video/ogg',
]);

/** The name to download the file as: with an extension from its type when it has none. */
export function downloadName(name: string, mimetype: string | null): string {
  if (/\.[A-Za-z0-9]{1,5}$/.test(name) || mimetype === null) return name;
  const ext = EXTENSIONS[mimetype.toLowerCase()];
  return ext ? `${name}.${ext}` : name;
}

/**
 * A caption (spec v1.10): when both `filename` and `body` are given and differ, the body is
 * a caption, formatted or plain.
 */
function caption(content: Content): SafeHtml | null {
  const { filename, body } = content;
  if (typeof filename !== 'string' || typeof body !== 'string' || filename === body || body.trim() === '') return null;
  const formatted = content['formatted_body'];
  if (content['format'] === 'org.matrix.custom.html' && typeof formatted === 'string') return sanitizeFormattedBody(formatted);
  return renderPlainBody(body);
}

/** Scales width × height down to fit the thumbnail box; null sizes when unknown. */
export function fitThumbnail(width: number | null, height: number | null): { width: number | null; height: number | null } {
  if (width === null || height === null) return { width: null, height: null };
  const scale = Math.min(1, THUMBNAIL_BOX.width / width, THUMBNAIL_BOX.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** `m.image` and `m.sticker`: the thumbnail (`info.thumbnail_url`, else `url`) linked to the file. */
export function imageBody(content: Content, type: 'image' | 'sticker'): MessageBody {
  const url = content['url'];
  const name = fileName(content, type);
  if (!parseMxc(url)) return { type: 'invalid', what: type, name: cleanLine(content['body']) };
  const info = infoOf(content);
  const width = pixels(info['w']);
  const height = pixels(info['h']);
  const shown = fitThumbnail(width, height);
  const thumbnailUrl = parseMxc(info['thumbnail_url']) ? info['thumbnail_url'] : url;
  // Without a known size, a cropped thumbnail is exactly the box, so the <img> can still say
  // its width and height (old browsers lay out by them, and nothing jumps while loading).
  const known = shown.width !== null && shown.height !== null;
  const box = { width: shown.width ?? THUMBNAIL_BOX.width, height: shown.height ?? THUMBNAIL_BOX.height };
  const src = thumbnailPath(thumbnailUrl, box.width, box.height, known ? 'scale' : 'crop');
  const image: ImageView | null = src === null ? null : { src, width: box.width, height: box.height };
  return {
    type,
    label: MEDIA_LABELS[type],
    image,
    alt: cleanLine(content['body'], MAX_ALT) ?? '',
    href: downloadPath(url, name)!,
    name,
    size: humanSize(info['size']),
    dimensions: width !== null && height !== null ? `${width} × ${height}` : null,
    caption: caption(content),
  };
}

/**
 * `m.file`, `m.audio`, `m.video`: a download link with name, size and (audio, video) duration;
 * audio and video of a type browsers play also get a player that works without JavaScript.
 */
export function fileBody(content: Content, type: 'file' | 'audio' | 'video'): MessageBody {
  const url = content['url'];
  if (!parseMxc(url)) return { type: 'invalid', what: type, name: cleanLine(content['body']) };
  const info = infoOf(content);
  const name = fileName(content, type);
  const mimetype = cleanLine(info['mimetype'], 100)?.toLowerCase() ?? null;
  const href = downloadPath(url, downloadName(name, mimetype))!;
  const playable = type !== 'file' && mimetype !== null && PLAYABLE_TYPES.has(mimetype) && mimetype.startsWith(`${type}/`);
  return {
    type,
    label: MEDIA_LABELS[type],
    href,
    name,
    size: humanSize(info['size']),
    duration: type === 'file' ? null : humanDuration(info['duration']),
    mimetype,
    player: playable ? { src: href, type: mimetype, audio: type === 'audio' } : null,
    caption: caption(content),
  };
}

const GEO = /^geo:(-?\d{1,3}(?:\.\d{1,15})?),(-?\d{1,3}(?:\.\d{1,15})?)/;

/** Latitude and longitude of a `geo:` URI, or null when it does not match or is out of range. */
export function parseGeoUri(uri: unknown): { lat: string; lon: string } | null {
  if (typeof uri !== 'string' || uri.length > 500) return null;
  const match = GEO.exec(uri);
  if (!match?.[1] || !match[2]) return null;
  const [lat, lon] = [Number(match[1]), Number(match[2])];
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat: match[1], lon: match[2] };
}

/** `m.location`: links to the geo: URI and to OpenStreetMap. */
export function locationBody(content: Content): MessageBody {
  const geo = parseGeoUri(content['geo_uri']);
  return {
    type: 'location',
    description: cleanLine(content['body']) ?? 'Location',
    geoUri: geo ? `geo:${geo.lat},${geo.lon}` : null,
    mapHref: geo ? `https://www.openstreetmap.org/?mlat=${geo.lat}&mlon=${geo.lon}#map=16/${geo.lat}/${geo.lon}` : null,
  };
}
