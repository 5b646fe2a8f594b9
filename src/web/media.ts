import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { BadRequest, BadGateway } from '../errors.js';
import { fetchMedia, type MediaFetcherOptions, type MediaRequest } from '../matrix/media.js';
import { isServerName } from '../matrix/ids.js';
import { parseRange, sliceStream, type ByteRange } from './range.js';
import { thumbnailBox } from '../view/urls.js';

export interface MediaRouteDeps {
  fetcher: MediaFetcherOptions;
  maxBytes: number;
}

const MEDIA_ID = /^[A-Za-z0-9_-]{1,255}$/;
/**
 * Types that cannot carry script, so they are served inline with their own type: raster
 * images, and the audio and video that browsers play in `<audio>` and `<video>`.
 */
const INLINE_TYPES = new Set([
  'image/png', 'image/jpeg', 'image/gif', 'image/webp',
  'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/opus', 'audio/webm', 'audio/wav', 'audio/x-wav', 'audio/wave', 'audio/flac', 'audio/x-flac',
  'video/mp4', 'video/webm', 'video/ogg',
]);
const edge = (raw: unknown): number => (typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : 96);

function validated(server: unknown, mediaId: unknown): { server: string; mediaId: string } {
  if (typeof server !== 'string' || typeof mediaId !== 'string' || !isServerName(server) || !MEDIA_ID.test(mediaId)) {
    throw new BadRequest('That is not a valid media address.');
  }
  return { server, mediaId };
}

/**
 * `/media/thumbnail/{server}/{mediaId}` and `/media/download/{server}/{mediaId}/{name}`:
 * the homeserver's authenticated media, streamed through with a size cap. Only raster images,
 * audio and video are served inline; everything else is an attachment, so nothing from the
 * homeserver can run as a page of ours. Downloads honour one byte range, for seeking.
 */
export function mediaRoutes(deps: MediaRouteDeps): Router {
  const router = Router();

  router.get('/media/thumbnail/:server/:mediaId', async (req, res) => {
    const { server, mediaId } = validated(req.params['server'], req.params['mediaId']);
    const method = req.query['method'] === 'crop' ? 'crop' : 'scale';
    // Snapped to the sizes the pages ask for (view/urls.ts), so a crawler cannot ask for endless variants.
    const [width, height] = thumbnailBox(edge(req.query['width']), edge(req.query['height']));
    const request: MediaRequest = { kind: 'thumbnail', server, mediaId, width, height, method };
    await relay(res, await fetchMedia(deps.fetcher, request, abortOnClose(res)), deps.maxBytes, undefined);
  });

  const download = async (req: Request, res: Response): Promise<void> => {
    const { server, mediaId } = validated(req.params['server'], req.params['mediaId']);
    const rawName: unknown = req.params['name'];
    const name = typeof rawName === 'string' ? rawName : undefined;
    const range = req.get('range');
    const upstream = await fetchMedia(deps.fetcher, { kind: 'download', server, mediaId, range }, abortOnClose(res));
    await relay(res, upstream, deps.maxBytes, name, range);
  };
  router.get('/media/download/:server/:mediaId', download);
  router.get('/media/download/:server/:mediaId/:name', download);
  return router;
}

function abortOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** The whole file's size from an upstream answer: Content-Range's total on a 206, else Content-Length. */
function totalSize(upstream: globalThis.Response): number {
  if (upstream.status === 206) {
    const total = /\/(\d+)$/.exec(upstream.headers.get('content-range') ?? '')?.[1];
    return total === undefined ? NaN : Number(total);
  }
  return Number(upstream.headers.get('content-length') ?? NaN);
}

/**
 * Streams the upstream answer on with our own headers. A range the homeserver answered (206)
 * is passed on; one it ignored (200) is cut from the whole file here, so seeking works either way.
 */
async function relay(res: Response, upstream: globalThis.Response, maxBytes: number, filename: string | undefined, rangeHeader?: string): Promise<void> {
  const total = totalSize(upstream);
  if (Number.isFinite(total) && total > maxBytes) {
    await upstream.body?.cancel();
    throw new BadGateway('the file is larger than this viewer serves');
  }
  const type = (upstream.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const inline = INLINE_TYPES.has(type);
  res.set('Content-Type', inline ? type : 'application/octet-stream');
  res.set('X-Content-Type-Options', 'nosniff');
  // Media behind an mxc URI never changes.
  res.set('Cache-Control', 'public, max-age=31536000, immutable');
  res.set('Content-Security-Policy', "default-src 'none'; sandbox");
  const safeName = (filename ?? 'download').replace(/[^\w.\- ]+/g, '_').slice(0, 120) || 'download';
  res.set('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${safeName}"`);
  if (Number.isFinite(total)) res.set('Accept-Ranges', 'bytes');
  let slice: ByteRange | null = null;
  if (upstream.status === 206) {
    res.status(206);
    const contentRange = upstream.headers.get('content-range');
    if (contentRange) res.set('Content-Range', contentRange);
    const length = upstream.headers.get('content-length');
    if (length) res.set('Content-Length', length);
  } else {
    const range = parseRange(rangeHeader, total);
    if (range === 'unsatisfiable') {
      await upstream.body?.cancel();
      res.status(416).set('Content-Range', `bytes */${total}`).end();
      return;
    }
    slice = range;
    res.status(range ? 206 : 200);
    if (range) res.set('Content-Range', `bytes ${range.start}-${range.end}/${total}`);
    if (Number.isFinite(total)) res.set('Content-Length', String(range ? range.end - range.start + 1 : total));
  }
  if (!upstream.body) {
    res.end();
    return;
  }
  let seen = 0;
  const capped = Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream<Uint8Array>);
  capped.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) capped.destroy(new Error('media larger than the cap'));
  });
  try {
    await (slice ? pipeline(capped, (source: AsyncIterable<Buffer>) => sliceStream(source, slice), res) : pipeline(capped, res));
  } catch {
    // Headers are gone already; cutting the connection is the only honest signal left.
    res.destroy();
  }
}
