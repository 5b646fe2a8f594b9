// What a room admin does to take things back, through the client-server API of the seeded
// Synapse: make a room, fill it, redact, change history visibility, (un)publish it.
import { randomUUID } from 'node:crypto';

export class RoomAdmin {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${this.baseUrl}/_matrix/client/v3${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      if (res.ok) return (text ? JSON.parse(text) : {}) as T;
      if (res.status !== 429 || attempt >= 5) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }

  /** A public, world-readable room with an alias, in the public directory when `published`. */
  async createRoom(name: string, aliasLocalpart: string, published: boolean): Promise<string> {
    const { room_id } = await this.call<{ room_id: string }>('POST', '/createRoom', {
      name,
      room_alias_name: aliasLocalpart,
      preset: 'public_chat',
      visibility: published ? 'public' : 'private',
      initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'world_readable' } }],
    });
    return room_id;
  }

  async send(roomId: string, content: Record<string, unknown>, type = 'm.room.message'): Promise<string> {
    const path = `/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${randomUUID()}`;
    return (await this.call<{ event_id: string }>('PUT', path, content)).event_id;
  }

  text(roomId: string, body: string): Promise<string> {
    return this.send(roomId, { msgtype: 'm.text', body });
  }

  reply(roomId: string, targetId: string, body: string): Promise<string> {
    return this.send(roomId, { msgtype: 'm.text', body, 'm.relates_to': { 'm.in_reply_to': { event_id: targetId } } });
  }

  threadReply(roomId: string, rootId: string, body: string): Promise<string> {
    return this.send(roomId, {
      msgtype: 'm.text',
      body,
      'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } },
    });
  }

  async redact(roomId: string, eventId: string, reason?: string): Promise<void> {
    const path = `/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/${randomUUID()}`;
    await this.call('PUT', path, reason ? { reason } : {});
  }

  async setState(roomId: string, type: string, content: Record<string, unknown>, stateKey = ''): Promise<void> {
    await this.call('PUT', `/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`, content);
  }

  setHistoryVisibility(roomId: string, visibility: string): Promise<void> {
    return this.setState(roomId, 'm.room.history_visibility', { history_visibility: visibility });
  }

  async setPublished(roomId: string, published: boolean): Promise<void> {
    await this.call('PUT', `/directory/list/room/${encodeURIComponent(roomId)}`, { visibility: published ? 'public' : 'private' });
  }
}

/**
 * Polls `gone` every `everyMs` until it holds; the milliseconds it took from `since`, or
 * undefined when it still did not hold after `capMs`.
 */
export async function timeUntil(gone: () => Promise<boolean>, since: number, capMs: number, everyMs = 200): Promise<number | undefined> {
  for (;;) {
    if (await gone()) return Date.now() - since;
    if (Date.now() - since > capMs) return undefined;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
