/**
 * The HTTP-facing failures: each carries the status its page is served with, and a sentence
 * for its reader. Every layer may throw them (matrix/ for the homeserver's failures, archive/
 * and rooms/ for what the reader asked, web/ for a malformed request), so they live at the
 * root beside config and log rather than in one layer; web/errors.ts maps them to pages in
 * one place, and nothing else decides a status code. The homeserver's own error answers
 * (`errcode`) stay in matrix/errors.ts: they are not yet a status, only a caller can say
 * what one means.
 */
export abstract class ViewerError extends Error {
  abstract readonly status: number;
  /** A sentence for the reader of the error page. */
  abstract readonly explanation: string;
}

export class BadRequest extends ViewerError {
  override name = 'BadRequest';
  readonly status = 400;
  constructor(readonly explanation: string) {
    super(explanation);
  }
}

export class NotFound extends ViewerError {
  override name = 'NotFound';
  readonly status = 404;
  constructor(readonly explanation: string) {
    super(explanation);
  }
}

export class RoomForbidden extends ViewerError {
  override name = 'RoomForbidden';
  readonly status = 403;
  constructor(readonly explanation: string) {
    super(explanation);
  }
}

export class RateLimited extends ViewerError {
  override name = 'RateLimited';
  readonly status = 429;
  readonly explanation: string = 'The homeserver asked us to slow down. Please try again in a moment.';
  constructor(readonly retryAfterMs: number) {
    super(`rate limited for ${retryAfterMs} ms`);
  }
}

/** The homeserver answered, but with something we cannot use (5xx, garbage, a wrong shape). */
export class BadGateway extends ViewerError {
  override name = 'BadGateway';
  readonly status = 502;
  readonly explanation: string = 'The homeserver gave an answer we could not use. Please try again later.';
  constructor(readonly detail: string) {
    super(detail);
  }
}

/** The homeserver cannot be reached, or our queue toward it is full. */
export class HomeserverUnavailable extends ViewerError {
  override name = 'HomeserverUnavailable';
  readonly status = 503;
  readonly explanation: string = 'The homeserver cannot be reached right now. Please try again in a little while.';
  constructor(
    readonly detail: string,
    readonly retryAfterSeconds = 30,
  ) {
    super(detail);
  }
}

/**
 * The archive's search worker has too many searches waiting, or one waited too long: a 503
 * like a full queue toward the homeserver (with its Retry-After), in words about searching.
 */
export class SearchBusy extends HomeserverUnavailable {
  override name = 'SearchBusy';
  override readonly explanation: string = 'Too many searches are running right now. Please try again in a little while.';
  constructor(detail: string) {
    super(detail, 10);
  }
}

export class HomeserverTimeout extends ViewerError {
  override name = 'HomeserverTimeout';
  readonly status = 504;
  readonly explanation: string = 'The homeserver took too long to answer. Please try again later.';
  constructor(readonly detail: string) {
    super(detail);
  }
}
