import { ClientPrefix, ConnectionError, HTTPError, MatrixError, MatrixHttpApi, Method, parseErrorResponse, TypedEventEmitter } from 'matrix-js-sdk';
import type { Logger } from '../log.js';
import { BadGateway, HomeserverTimeout, HomeserverUnavailable, RateLimited } from '../errors.js';
import { MatrixApiError } from './errors.js';
import { boundedFetch, ByteBudget } from './bounded-fetch.js';
import { Limiter } from './limiter.js';
import { quietSdkLogger } from './sdk-logger.js';
import type { Session } from './session.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  /** A short, low-cardinality name for metrics and logs, such as "messages". */
  endpoint: string;
  query?: Query;
  body?: Record<string, unknown>;
  signal?: AbortSignal | undefined;
  /** Defaults to /_matrix/client/v3. */
  prefix?: string;
  /** Reads the answer as it streams (a long list) instead of parsing it whole. */
  read?: (response: Response) => Promise<unknown>;
}

export type CallOutcome = 'ok' | 'matrix_error' | 'rate_limited' | 'timeout' | 'unreachable' | 'bad_response' | 'aborted';

export interface ClientOptions {
  baseUrl: string;
  session: Session;
  timeoutMs: number;
  concurrency: number;
  queueLimit: number;
  /** The most one answer may carry, counted as it streams. */
  maxAnswerBytes: number;
  /** The most all answers being read may carry together. */
  maxBytesInFlight: number;
  log: Logger;
  /** The longest a single call will wait out an M_LIMIT_EXCEEDED before giving up with a 429. */
  maxRateLimitWaitMs?: number;
  onCall?: (endpoint: string, outcome: CallOutcome, durationMs: number) => void;
}

interface Health {
  lastSuccessAt: number | undefined;
  lastFailureAt: number | undefined;
  lastFailure: string | undefined;
}

/**
 * The one door to the homeserver's JSON API. matrix-js-sdk does the HTTP and Matrix error
 * parsing; this adds what a shared server needs: a timeout on every call, a bounded queue,
 * one shared back-off after M_LIMIT_EXCEEDED (so a 429 does not become a stampede), a new
 * guest session when the token is rejected, typed errors, and answers bounded by bytes, each
 * one and all of them in flight together (bounded-fetch.ts).
 */
export class HomeserverClient {
  private readonly http: MatrixHttpApi<{ baseUrl: string; prefix: string; onlyData: true }>;
  private readonly limiter: Limiter;
  private pausedUntil = 0;
  private readonly fetch: typeof globalThis.fetch;
  readonly budget: ByteBudget;
  readonly health: Health = { lastSuccessAt: undefined, lastFailureAt: undefined, lastFailure: undefined };

  constructor(private readonly opts: ClientOptions) {
    this.budget = new ByteBudget(opts.maxBytesInFlight);
    this.fetch = boundedFetch({ maxBytes: opts.maxAnswerBytes, timeoutMs: opts.timeoutMs, budget: this.budget });
    this.http = new MatrixHttpApi(new TypedEventEmitter(), {
      baseUrl: opts.baseUrl,
      prefix: ClientPrefix.V3,
      onlyData: true,
      fetchFn: this.fetch,
      logger: quietSdkLogger(opts.log),
    });
    this.limiter = new Limiter(opts.concurrency, opts.queueLimit);
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  get session(): Session {
    return this.opts.session;
  }

  get load(): { active: number; queued: number } {
    return { active: this.limiter.activeCount, queued: this.limiter.queuedCount };
  }

  get<T = unknown>(path: string, options: CallOptions): Promise<T> {
    return this.call<T>(Method.Get, path, options);
  }

  post<T = unknown>(path: string, options: CallOptions): Promise<T> {
    return this.call<T>(Method.Post, path, options);
  }

  private async call<T>(method: Method, path: string, options: CallOptions, attempt = 1): Promise<T> {
    await this.waitOutRateLimit(options.signal);
    const token = await this.opts.session.token(options.signal);
    const started = Date.now();
    let outcome: CallOutcome = 'ok';
    try {
      return await this.limiter.run(() => this.send<T>(method, path, options, token), options.signal);
    } catch (error) {
      const mapped = this.mapError(error, options.signal);
      outcome = outcomeOf(mapped);
      if (mapped instanceof MatrixApiError && mapped.errcode === 'M_UNKNOWN_TOKEN' && attempt === 1) {
        await this.opts.session.tokenRejected(token, options.signal);
        return this.call<T>(method, path, options, attempt + 1);
      }
      if (mapped instanceof RateLimited && attempt === 1) {
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + mapped.retryAfterMs);
        return this.call<T>(method, path, options, attempt + 1);
      }
      throw mapped;
    } finally {
      this.opts.onCall?.(options.endpoint, outcome, Date.now() - started);
    }
  }

  private async send<T>(method: Method, path: string, options: CallOptions, token: string): Promise<T> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new HomeserverTimeout(`${options.endpoint} timed out`)), this.opts.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    try {
      const result = (
        options.read
          ? await this.streamed(path, options, options.read, token, signal)
          : await this.http.request(method, path, toQueryDict(options.query), options.body, {
              prefix: options.prefix,
              abortSignal: signal,
              headers: { Authorization: `Bearer ${token}` },
              priority: 'auto',
            })
      ) as T;
      this.health.lastSuccessAt = Date.now();
      return result;
    } catch (error) {
      if (timeout.signal.aborted && !options.signal?.aborted) throw timeout.signal.reason;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A GET whose answer `read` takes as it streams; errors are parsed as the SDK does. */
  private async streamed(path: string, options: CallOptions, read: (response: Response) => Promise<unknown>, token: string, signal: AbortSignal): Promise<unknown> {
    const url = this.http.getUrl(path, toQueryDict(options.query), options.prefix);
    let response: Response;
    try {
      response = await this.fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, signal });
    } catch (error) {
      throw error instanceof Error && error.name === 'AbortError' ? error : new ConnectionError('fetch failed', error instanceof Error ? error : undefined);
    }
    if (!response.ok) throw parseErrorResponse(response, await response.text());
    return read(response);
  }

  /** Every call waits while the homeserver has asked us to back off, if the wait is short. */
  private async waitOutRateLimit(signal?: AbortSignal): Promise<void> {
    const wait = this.pausedUntil - Date.now();
    if (wait <= 0) return;
    if (wait > (this.opts.maxRateLimitWaitMs ?? 5000)) throw new RateLimited(wait);
    await sleep(wait, signal);
  }

  private mapError(error: unknown, signal?: AbortSignal): Error {
    const failed = (detail: string, mapped: Error): Error => {
      this.health.lastFailureAt = Date.now();
      this.health.lastFailure = detail;
      return mapped;
    };
    if (signal?.aborted) return error instanceof Error ? error : new Error('aborted');
    if (error instanceof HomeserverTimeout) return failed('timeout', error);
    if (error instanceof HomeserverUnavailable || error instanceof RateLimited) return error;
    if (error instanceof BadGateway) return failed('bad answer', error);
    if (error instanceof Error && error.name === 'TimeoutError') return failed('timeout', new HomeserverTimeout('the answer took too long'));
    if (error instanceof MatrixError) {
      const status = error.httpStatus ?? 500;
      if (error.errcode === 'M_LIMIT_EXCEEDED' || status === 429) {
        const retry = Number(error.data['retry_after_ms']);
        return new RateLimited(Number.isFinite(retry) && retry >= 0 ? Math.min(retry, 3_600_000) : 1000);
      }
      if (status >= 500) return failed(`${status}`, upstreamFailure(status, error.errcode ?? 'M_UNKNOWN'));
      return new MatrixApiError(status, error.errcode ?? 'M_UNKNOWN', String(error.data['error'] ?? ''));
    }
    if (error instanceof HTTPError) {
      const status = error.httpStatus ?? 500;
      if (status === 429) return new RateLimited(1000);
      if (status >= 500) return failed(`${status}`, upstreamFailure(status, 'no Matrix error body'));
      return new MatrixApiError(status, 'M_UNKNOWN', 'the homeserver answered without a Matrix error body');
    }
    if (error instanceof ConnectionError) return failed('unreachable', new HomeserverUnavailable(error.message));
    if (error instanceof SyntaxError) return failed('bad json', new BadGateway(`invalid JSON: ${error.message}`));
    if (error instanceof Error && error.name === 'AbortError') return failed('aborted', new HomeserverUnavailable('request aborted'));
    return failed('unknown', new BadGateway(error instanceof Error ? error.message : String(error)));
  }
}

function upstreamFailure(status: number, detail: string): Error {
  if (status === 502 || status === 503) return new HomeserverUnavailable(`homeserver answered ${status}`);
  if (status === 504) return new HomeserverTimeout(`homeserver answered ${status}`);
  return new BadGateway(`homeserver answered ${status}: ${detail}`);
}

function outcomeOf(error: Error): CallOutcome {
  if (error instanceof RateLimited) return 'rate_limited';
  if (error instanceof HomeserverTimeout) return 'timeout';
  if (error instanceof HomeserverUnavailable) return 'unreachable';
  if (error instanceof BadGateway) return 'bad_response';
  if (error instanceof MatrixApiError) return 'matrix_error';
  return 'aborted';
}

function toQueryDict(query: Query | undefined): Record<string, string> {
  const dict: Record<string, string> = {};
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) dict[key] = String(value);
  }
  return dict;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
