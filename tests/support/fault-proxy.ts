// A small HTTP proxy on 127.0.0.1 in front of the seeded Synapse, with faults that a test
// switches on and off: cut connections, delays, 429s, 500s, broken JSON, revoked tokens.
// It counts every request by path, and how many it has in flight at once.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Forward to the homeserver untouched. */
  | { kind: 'pass' }
  /** Destroy the client's socket without answering (as a dead homeserver or router would). */
  | { kind: 'cut' }
  /** Wait, then forward. A long delay is a hung homeserver. */
  | { kind: 'delay'; ms: number }
  /** 429 M_LIMIT_EXCEEDED with `retry_after_ms`. */
  | { kind: 'rateLimit'; retryAfterMs: number }
  /** An HTTP error status with a Matrix error body (500 by default). */
  | { kind: 'status'; status?: number }
  /** A 200 whose JSON body stops halfway. */
  | { kind: 'truncated' }
  /** A 200 that claims to be JSON and is not. */
  | { kind: 'invalidJson' }
  /** 401 M_UNKNOWN_TOKEN, as for a revoked access token. */
  | { kind: 'unknownToken' };

export interface Rule {
  fault: Fault;
  /** Applies to request paths (with query) that match; every path if absent. */
  path?: RegExp;
  /** Applies this many times, then the rule is dropped. */
  times?: number;
}

export interface ProxiedRequest {
  method: string;
  /** The path with its query, as sent. */
  url: string;
  /** The path without its query, percent-decoded where possible. */
  path: string;
  at: number;
  /** What was done with it. */
  fault: Fault['kind'];
}

export interface FaultProxy {
  /** Base URL to give the viewer as MATRIX_HOMESERVER_URL. */
  readonly url: string;
  /** Every request seen since the last reset, in order of arrival. */
  readonly requests: readonly ProxiedRequest[];
  /** Requests being handled right now, and the most there ever were at once since the last reset. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Replaces every rule with this one fault (for every path, or those matching `path`). */
  set(fault: Fault, path?: RegExp, times?: number): void;
  /** Adds a rule in front of the others (the first matching rule wins). */
  add(rule: Rule): void;
  /** Back to forwarding everything untouched; counts and the revoked list are kept. */
  heal(): void;
  /** Forgets the requests seen and the in-flight high-water mark. */
  resetCounts(): void;
  /** How many requests whose path matches. */
  count(path: RegExp, method?: string): number;
  /** From now on, every access token seen so far is answered with 401 M_UNKNOWN_TOKEN. */
  revokeSeenTokens(): void;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
};

function decodedPath(url: string): string {
  const raw = url.split('?')[0] ?? url;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Starts a proxy toward `target` (the seeded Synapse's base URL) on a random loopback port. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rules: Rule[] = [];
  let requests: ProxiedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const seenTokens = new Set<string>();
  const revoked = new Set<string>();
  const sockets = new Set<import('node:net').Socket>();

  const pick = (url: string): Fault => {
    for (const rule of rules) {
      if (rule.path && !rule.path.test(url)) continue;
      if (rule.times !== undefined) {
        rule.times--;
        if (rule.times <= 0) rules = rules.filter((r) => r !== rule);
      }
      return rule.fault;
    }
    return { kind: 'pass' };
  };

  const forward = (req: IncomingMessage, res: ServerResponse, done: () => void): void => {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', done);
        answer.on('error', done);
      },
    );
    outgoing.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
      done();
    });
    // The client gave up (its timeout): stop waiting for the homeserver too.
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  };

  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const token = bearer(req);
    const fault: Fault = token && revoked.has(token) ? { kind: 'unknownToken' } : pick(url);
    if (token) seenTokens.add(token);
    requests.push({ method: req.method ?? 'GET', url, path: decodedPath(url), at: Date.now(), fault: fault.kind });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let finished = false;
    const done = (): void => {
      if (finished) return;
      finished = true;
      inFlight--;
    };
    res.on('close', done);
    switch (fault.kind) {
      case 'pass':
        return forward(req, res, done);
      case 'cut':
        req.socket.destroy();
        return done();
      case 'delay': {
        const timer = setTimeout(() => forward(req, res, done), fault.ms);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      case 'rateLimit':
        return json(res, 429, { errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: fault.retryAfterMs });
      case 'status':
        return json(res, fault.status ?? 500, { errcode: 'M_UNKNOWN', error: 'Internal server error' });
      case 'truncated': {
        const text = '{"chunk":[{"type":"m.room.message","content":{"body":"half';
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        return void res.end(text);
      }
      case 'invalidJson':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return void res.end('<html>this is not JSON</html>');
      case 'unknownToken':
        return json(res, 401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Access token has been revoked', soft_logout: false });
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    get requests() {
      return requests;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    set(fault, path, times) {
      rules = [{ fault, ...(path ? { path } : {}), ...(times !== undefined ? { times } : {}) }];
    },
    add(rule) {
      rules = [rule, ...rules];
    },
    heal() {
      rules = [];
    },
    resetCounts() {
      requests = [];
      maxInFlight = inFlight;
    },
    count(path, method) {
      return requests.filter((r) => path.test(r.path) && (!method || r.method === method)).length;
    },
    revokeSeenTokens() {
      for (const token of seenTokens) revoked.add(token);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
