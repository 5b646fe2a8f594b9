import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.js';
import { NotFound, RateLimited, ViewerError, HomeserverUnavailable } from '../errors.js';
import { buildErrorView } from '../view/error.js';
import { sendHtml, type Renderer } from './render.js';

export function notFoundHandler(): RequestHandler {
  return (_req, _res, next) => next(new NotFound('There is no page at this address.'));
}

/** The one place where failures become pages with the right status. */
export function errorHandler(renderer: Renderer, log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    let status = 500;
    let explanation = 'The viewer failed to build this page. Please try again later.';
    let retryAfter: number | undefined;
    if (error instanceof ViewerError) {
      status = error.status;
      explanation = error.explanation;
      if (error instanceof HomeserverUnavailable) retryAfter = error.retryAfterSeconds;
      if (error instanceof RateLimited) retryAfter = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    } else if (isHttpError(error) && error.status >= 400 && error.status < 500) {
      // express's own parsers (bad percent-encoding, for example) throw these.
      status = error.status;
      explanation = 'That address is not valid.';
    }
    if (status >= 500) log.warn({ err: error, path: req.path, status }, 'request failed');
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.set('Cache-Control', 'no-store');
    res.set('X-Robots-Tag', 'noindex');
    sendHtml(res, status, renderer.render('error', buildErrorView(status, explanation, renderer.site.name, retryAfter)));
  };
}

function isHttpError(error: unknown): error is { status: number } {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}
