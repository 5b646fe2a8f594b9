import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { BadRequest, BadGateway } from '../matrix/errors.js';
import { fetchMedia, type MediaFetcherOptions, type MediaRequest } from '../matrix/media.js';
import { isServerName } from './query.js';

export interface MediaRouteDeps {
  fetcher: MediaFetcherOptions;
  maxBytes: number;
}

const MEDIA_ID = /^[A-Za-z0-9_-]{1,255}$/;
/** Raster types that cannot carry script; only these are shown inline. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Thumbnail sizes are snapped to a few values, so a crawler cannot ask for endless variants. */
const THUMBNAIL_SIZES = [32, 48, 64, 96, 128, 240, 256, 320, 480, 600, 640, 800];

function snapSize(raw: unknown, fallback: number): number {
  const wanted = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : fallback;
  return THUMBNAIL_SIZES.find((size) => size >= wanted) ?? THUMBNAIL_SIZES[THUMBNAIL_SIZES.length - 1]!;
}

function validated(server: unknown, mediaId: unknown): { server: string; mediaId: string } {
  if (typeof server !== 'string' || typeof mediaId !== 'string' || !isServerName(server) || !MEDIA_ID.test(mediaId)) {
    throw new BadRequest('That is not a valid media address.');
  }
  return { server, mediaId };
}

/**
 * `/media/thumbnail/{server}/{mediaId}` and `/media/download/{server}/{mediaId}/{name}`:
 * the homeserver's authenticated media, streamed through with a size cap. Only raster images
 * are served inline; everything else is an attachment, so nothing from the homeserver can
 * run as a page of ours.
 */
export function mediaRoutes(deps: MediaRouteDeps): Router {
  const router = Router();

  router.get('/media/thumbnail/:server/:mediaId', async (req, res) => {
    const { server, mediaId } = validated(req.params['server'], req.params['mediaId']);
    const method = req.query['method'] === 'crop' ? 'crop' : 'scale';
    const request: MediaRequest = {
      kind: 'thumbnail',
      server,
      mediaId,
      width: snapSize(req.query['width'], 96),
      height: snapSize(req.query['height'], 96),
      method,
    };
    await relay(res, await fetchMedia(deps.fetcher, request, abortOnClose(res)), deps.maxBytes, undefined);
  });

  const download = async (req: Request, res: Response): Promise<void> => {
    const { server, mediaId } = validated(req.params['server'], req.params['mediaId']);
    const rawName: unknown = req.params['name'];
    const name = typeof rawName === 'string' ? rawName : undefined;
    const upstream = await fetchMedia(deps.fetcher, { kind: 'download', server, mediaId }, abortOnClose(res));
    await relay(res, upstream, deps.maxBytes, name);
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

async function relay(res: Response, upstream: globalThis.Response, maxBytes: number, filename: string | undefined): Promise<void> {
  const length = Number(upstream.headers.get('content-length') ?? NaN);
  if (Number.isFinite(length) && length > maxBytes) {
    await upstream.body?.cancel();
    throw new BadGateway('the file is larger than this viewer serves');
  }
  const type = (upstream.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const inline = INLINE_TYPES.has(type);
  res.status(200);
  res.set('Content-Type', inline ? type : 'application/octet-stream');
  res.set('X-Content-Type-Options', 'nosniff');
  // Media behind an mxc URI never changes.
  res.set('Cache-Control', 'public, max-age=31536000, immutable');
  res.set('Content-Security-Policy', "default-src 'none'; sandbox");
  if (Number.isFinite(length)) res.set('Content-Length', String(length));
  const safeName = (filename ?? 'download').replace(/[^\w.\- ]+/g, '_').slice(0, 120) || 'download';
  res.set('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${safeName}"`);
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
    await pipeline(capped, res);
  } catch {
    // Headers are gone already; cutting the connection is the only honest signal left.
    res.destroy();
  }
}
