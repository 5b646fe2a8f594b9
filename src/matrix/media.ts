import { HomeserverTimeout, HomeserverUnavailable, NotFound, BadGateway, RateLimited } from '../errors.js';
import type { Session } from './session.js';

export interface MediaRequest {
  kind: 'thumbnail' | 'download';
  server: string;
  mediaId: string;
  /** Only for thumbnails. */
  width?: number;
  height?: number;
  method?: 'crop' | 'scale';
  /** A `Range` header to pass on (downloads only), so that seeking in audio and video works. */
  range?: string | undefined;
}

export interface MediaFetcherOptions {
  baseUrl: string;
  session: Session;
  timeoutMs: number;
  maxRedirects?: number;
}

/**
 * Fetches media from the authenticated media API (`/_matrix/client/v1/media`), which is the
 * only one matrix.org still answers. The upstream URL is built here from validated parts,
 * never from the reader's URL. Redirects are followed by hand: only to http(s), a bounded
 * number of times, and the access token is sent only to the homeserver's own origin.
 */
export async function fetchMedia(opts: MediaFetcherOptions, request: MediaRequest, signal?: AbortSignal): Promise<Response> {
  const path = `/_matrix/client/v1/media/${request.kind}/${encodeURIComponent(request.server)}/${encodeURIComponent(request.mediaId)}`;
  const url = new URL(opts.baseUrl + path);
  if (request.kind === 'thumbnail') {
    url.searchParams.set('width', String(request.width ?? 96));
    url.searchParams.set('height', String(request.height ?? 96));
    url.searchParams.set('method', request.method ?? 'scale');
    url.searchParams.set('animated', 'false');
  }
  const homeserverOrigin = new URL(opts.baseUrl).origin;
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;

  let retriedToken = false;
  let token = await opts.session.token(signal);
  let target = url;
  for (let hop = 0; hop <= (opts.maxRedirects ?? 3); hop++) {
    const headers: Record<string, string> = {};
    if (target.origin === homeserverOrigin) headers['Authorization'] = `Bearer ${token}`;
    if (request.range) headers['Range'] = request.range;
    let response: Response;
    try {
      response = await fetch(target, { headers, redirect: 'manual', signal: combined });
    } catch (error) {
      if (timeout.aborted) throw new HomeserverTimeout('media fetch timed out');
      if (signal?.aborted) throw error;
      throw new HomeserverUnavailable(`media fetch failed: ${(error as Error).message}`);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      const next = location ? safeRedirect(target, location) : null;
      if (!next) throw new BadGateway('media redirect to a URL we will not follow');
      target = next;
      continue;
    }
    if (response.status === 401 && !retriedToken && target.origin === homeserverOrigin) {
      await response.body?.cancel();
      retriedToken = true;
      await opts.session.tokenRejected(token, signal);
      token = await opts.session.token(signal);
      hop--;
      continue;
    }
    if (response.ok) return response;
    await response.body?.cancel();
    if (response.status === 404 || response.status === 400) throw new NotFound('That file does not exist on the homeserver.');
    if (response.status === 429) throw new RateLimited(1000);
    if (response.status === 502 || response.status === 503) throw new HomeserverUnavailable(`media answered ${response.status}`);
    if (response.status === 504) throw new HomeserverTimeout(`media answered ${response.status}`);
    throw new BadGateway(`media answered ${response.status}`);
  }
  throw new BadGateway('too many media redirects');
}

function safeRedirect(from: URL, location: string): URL | null {
  try {
    const next = new URL(location, from);
    if (next.protocol !== 'https:' && next.protocol !== 'http:') return null;
    if (next.username || next.password) return null;
    return next;
  } catch {
    return null;
  }
}
