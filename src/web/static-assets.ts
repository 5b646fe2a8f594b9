/**
 * The stylesheet and favicon under fingerprinted names (`/static/style.<hash>.css`), read and
 * hashed once at start, so they can be cached for a year: a new deploy that changes them
 * changes their URLs. One stylesheet is served: public/style.css followed by
 * public/timeline.css when it exists, one request for the whole look.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import { strongEtag } from './http-cache.js';

export const IMMUTABLE = 'public, max-age=31536000, immutable';

interface Asset {
  path: string;
  type: string;
  body: Buffer;
  etag: string;
}

export interface StaticAssets {
  /** URL of the one stylesheet, for SiteInfo.stylesheet. */
  stylesheet: string;
  /** URL of the favicon, for SiteInfo.favicon. */
  favicon: string;
  assets: readonly Asset[];
}

function fingerprint(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 12);
}

function asset(name: string, ext: string, type: string, body: Buffer): Asset {
  return { path: `/static/${name}.${fingerprint(body)}.${ext}`, type, body, etag: strongEtag(body) };
}

export const STYLESHEETS = ['style.css', 'timeline.css'];

/** Reads and fingerprints the assets in `dir` (the project's public/). */
export function loadStaticAssets(dir: string): StaticAssets {
  const css = Buffer.concat(
    STYLESHEETS.map((file) => join(dir, file))
      .filter((path) => existsSync(path))
      .map((path) => Buffer.concat([readFileSync(path), Buffer.from('\n')])),
  );
  const stylesheet = asset('style', 'css', 'text/css; charset=utf-8', css);
  const favicon = asset('favicon', 'svg', 'image/svg+xml', readFileSync(join(dir, 'favicon.svg')));
  return { stylesheet: stylesheet.path, favicon: favicon.path, assets: [stylesheet, favicon] };
}

/** Serves the fingerprinted assets, immutable for a year. */
export function staticAssetRoutes(assets: StaticAssets): Router {
  const router = Router();
  for (const item of assets.assets) {
    router.get(item.path, (req, res) => {
      res.set('Cache-Control', IMMUTABLE).set('ETag', item.etag).type(item.type);
      if (req.headers['if-none-match'] === item.etag) {
        res.status(304).end();
        return;
      }
      res.send(item.body);
    });
  }
  return router;
}
