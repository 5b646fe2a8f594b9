// A small client-server API client for the seed: plain fetch, every status checked, transient
// failures (network errors, 429, 502-504) retried.
import { createHmac, randomBytes } from 'node:crypto';

export const SERVER_NAME = 'localhost';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (scripts/homeserver.sh sets it)`);
  return value;
}

export const config = {
  baseUrl: env('MSV_HOMESERVER_URL'),
  sharedSecret: env('MSV_SHARED_SECRET'),
  asToken: env('MSV_AS_TOKEN'),
};

export class MatrixError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} -> ${status}: ${JSON.stringify(body)}`);
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  token?: string | undefined;
  query?: Query | undefined;
  json?: unknown;
  bytes?: { data: Uint8Array; contentType: string } | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function request<T = Record<string, unknown>>(
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const url = new URL(path, config.baseUrl);
  for (const [key, value] of Object.entries(opts.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = {};
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  let body: string | Uint8Array | undefined;
  if (opts.bytes) {
    headers['content-type'] = opts.bytes.contentType;
    body = opts.bytes.data;
  } else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      if (attempt >= 6) throw new Error(`${method} ${path}: ${(err as Error).message}`);
      await sleep(200 * attempt);
      continue;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // Not JSON: keep the text for the error message.
    }
    if (res.ok) return parsed as T;
    const retryable = res.status === 429 || res.status === 502 || res.status === 503 || res.status === 504;
    if (!retryable || attempt >= 6) throw new MatrixError(method, path, res.status, parsed);
    const retryAfter = (parsed as { retry_after_ms?: number }).retry_after_ms;
    await sleep(Math.min(retryAfter ?? 200 * attempt, 5_000));
  }
}

export const enc = encodeURIComponent;

let txnCounter = 0;
export function txnId(): string {
  return `seed-${process.pid}-${Date.now()}-${++txnCounter}`;
}

/** Someone who acts: a user with their own token, or the appservice masquerading as one. */
export interface Actor {
  userId: string;
  token: string;
  /** Extra query (user_id for the appservice). */
  query: Query;
}

export interface RegisteredUser extends Actor {
  name: string;
  password: string;
  displayName: string;
}

/** Registers a user through the shared-secret admin API (HMAC-SHA1 nonce flow). */
export async function registerUser(
  name: string,
  displayName: string,
  admin = false,
): Promise<RegisteredUser> {
  const password = randomBytes(12).toString('hex');
  const { nonce } = await request<{ nonce: string }>('GET', '/_synapse/admin/v1/register');
  const mac = createHmac('sha1', config.sharedSecret)
    .update([nonce, name, password, admin ? 'admin' : 'notadmin'].join('\0'))
    .digest('hex');
  const res = await request<{ user_id: string; access_token: string }>(
    'POST',
    '/_synapse/admin/v1/register',
    { json: { nonce, username: name, password, displayname: displayName, admin, mac } },
  );
  return { name, userId: res.user_id, token: res.access_token, query: {}, password, displayName };
}

/** The appservice acting as `user` (allows `ts` on send and state). */
export function asAppservice(user: Actor): Actor {
  return { userId: user.userId, token: config.asToken, query: { user_id: user.userId } };
}

export async function send(
  actor: Actor,
  roomId: string,
  type: string,
  content: Record<string, unknown>,
  ts?: number,
): Promise<string> {
  const path = `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId())}`;
  const res = await request<{ event_id: string }>('PUT', path, {
    token: actor.token,
    query: { ...actor.query, ts },
    json: content,
  });
  return res.event_id;
}

export async function sendText(actor: Actor, roomId: string, body: string): Promise<string> {
  return send(actor, roomId, 'm.room.message', { msgtype: 'm.text', body });
}

export async function setState(
  actor: Actor,
  roomId: string,
  type: string,
  stateKey: string,
  content: Record<string, unknown>,
  ts?: number,
): Promise<string> {
  const path = `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`;
  const res = await request<{ event_id: string }>('PUT', path, {
    token: actor.token,
    query: { ...actor.query, ts },
    json: content,
  });
  return res.event_id;
}

export interface StateEvent {
  event_id: string;
  type: string;
  state_key: string;
  sender: string;
  content: Record<string, unknown>;
}

/** The current state event, or undefined if there is none. */
export async function getState(
  actor: Actor,
  roomId: string,
  type: string,
  stateKey: string,
): Promise<StateEvent | undefined> {
  const path = `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`;
  try {
    return await request<StateEvent>('GET', path, { token: actor.token, query: { ...actor.query, format: 'event' } });
  } catch (err) {
    if (err instanceof MatrixError && err.status === 404) return undefined;
    throw err;
  }
}

/** Polls a state event until `done` accepts it (for changes Synapse makes in the background). */
export async function waitForState(
  actor: Actor,
  roomId: string,
  type: string,
  stateKey: string,
  done: (event: StateEvent) => boolean,
): Promise<StateEvent> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const event = await getState(actor, roomId, type, stateKey);
    if (event && done(event)) return event;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${type}/${stateKey} in ${roomId}: ${JSON.stringify(event)}`);
    }
    await sleep(100);
  }
}

export async function upload(
  actor: Actor,
  filename: string,
  contentType: string,
  data: Uint8Array,
): Promise<string> {
  const res = await request<{ content_uri: string }>('POST', '/_matrix/media/v3/upload', {
    token: actor.token,
    query: { filename },
    bytes: { data, contentType },
  });
  return res.content_uri;
}
