/**
 * Builders that put one hostile payload (tests/support/xss-payloads.ts) into every place of a
 * Matrix event an attacker controls: message bodies of every msgtype, attachment names and
 * URLs, geo URIs, reply targets, reaction keys, display names and avatars, room state (name,
 * topic, avatar, aliases, tombstone, widgets) and the reasons of kicks, bans and redactions.
 *
 * `hostileMessageContents` gives plain `m.room.message` contents (for sending to a real
 * homeserver); `hostileTimeline` gives whole `MatrixEvent`s with relations wired up (for the
 * view layer); `hostileRoomState` gives the current state of a room made of payloads.
 */
import type { MatrixEvent } from '../../src/matrix/events.js';

type Content = Record<string, unknown>;

/** A valid mxc URI, so that attachments get past the "invalid attachment" check. */
export const VALID_MXC = 'mxc://localhost/AbCdEfGhIjKlMnOp';

export interface HostileContent {
  /** Where the payload sits, for messages: "m.text formatted_body", "m.file filename"... */
  context: string;
  content: Content;
}

/** `m.room.message` contents carrying `payload` in each attacker-controlled field. */
export function hostileMessageContents(payload: string): HostileContent[] {
  const html = (msgtype: string): Content => ({ msgtype, body: payload, format: 'org.matrix.custom.html', formatted_body: payload });
  return [
    { context: 'm.text formatted_body', content: html('m.text') },
    { context: 'm.text body', content: { msgtype: 'm.text', body: payload } },
    { context: 'm.emote formatted_body', content: html('m.emote') },
    { context: 'm.emote body', content: { msgtype: 'm.emote', body: payload } },
    { context: 'm.notice formatted_body', content: html('m.notice') },
    { context: 'm.notice body', content: { msgtype: 'm.notice', body: payload } },
    {
      context: 'm.image body/filename/caption',
      content: {
        msgtype: 'm.image', body: payload, filename: `${payload}.png`, url: VALID_MXC,
        format: 'org.matrix.custom.html', formatted_body: payload,
        info: { w: payload, h: 10, mimetype: payload, size: payload, thumbnail_url: payload },
      },
    },
    { context: 'm.image url', content: { msgtype: 'm.image', body: payload, url: payload, info: { thumbnail_url: VALID_MXC } } },
    {
      context: 'm.file body/filename',
      content: { msgtype: 'm.file', body: payload, filename: payload.length > 0 ? `f ${payload}` : 'f', url: VALID_MXC, info: { mimetype: payload, size: 12 } },
    },
    { context: 'm.file url', content: { msgtype: 'm.file', body: payload, url: payload } },
    { context: 'm.video body', content: { msgtype: 'm.video', body: payload, url: VALID_MXC, info: { duration: payload } } },
    { context: 'm.location geo_uri', content: { msgtype: 'm.location', body: payload, geo_uri: payload } },
    { context: 'm.location geo_uri prefix', content: { msgtype: 'm.location', body: payload, geo_uri: `geo:1,2${payload}` } },
    { context: 'unknown msgtype', content: { msgtype: payload, body: payload } },
  ];
}

/** A widget state content whose every field is the payload (links templated from it too). */
export function hostileWidgetContent(payload: string, kind: 'custom' | 'jitsi' = 'custom'): Content {
  return {
    type: kind === 'jitsi' ? 'jitsi' : payload,
    url: kind === 'jitsi' ? `https://meet.example.org/?confId=${payload}` : payload,
    name: payload,
    avatar_url: payload,
    data: { title: payload, url: payload, domain: payload, conferenceId: payload },
  };
}

export interface TimelineBuild {
  roomId: string;
  /** A prefix that keeps event IDs and user IDs of different payloads apart. */
  tag: string;
  ts: number;
}

/** Everything `hostileTimeline` makes for one payload. */
export interface HostileTimeline {
  /** Timeline events, chronological, visible and hidden (reactions, redactions, edits). */
  events: MatrixEvent[];
  /** Member state of the senders, as of after the events (display name and avatar hostile). */
  members: MatrixEvent[];
  /** One label per place the payload was put. */
  contexts: string[];
}

/**
 * One payload in every timeline context. `hostileUser` is a sender whose display name and
 * avatar are the payload; `evilId` is a user whose ID itself contains the payload.
 */
export function hostileTimeline(payload: string, { roomId, tag, ts }: TimelineBuild): HostileTimeline {
  const events: MatrixEvent[] = [];
  const contexts: string[] = [];
  let n = 0;
  const hostileUser = `@h${tag}:evil.example`;
  const victim = `@v${tag}:evil.example`;
  const evilId = `@${payload}:evil.example`;
  const add = (context: string, event: Omit<MatrixEvent, 'event_id' | 'origin_server_ts' | 'room_id'> & { event_id?: string }): MatrixEvent => {
    const full: MatrixEvent = { event_id: `$${tag}-${n}`, origin_server_ts: ts + n, room_id: roomId, ...event };
    n++;
    events.push(full);
    contexts.push(context);
    return full;
  };
  const memberContent = { membership: 'join', displayname: payload, avatar_url: payload };
  add('member displayname/avatar_url (join)', { type: 'm.room.member', sender: hostileUser, state_key: hostileUser, content: memberContent });
  add('member displayname change', {
    type: 'm.room.member', sender: hostileUser, state_key: hostileUser,
    content: { membership: 'join', displayname: `${payload} 2`, avatar_url: VALID_MXC },
    unsigned: { prev_content: memberContent },
  });
  let first: MatrixEvent | undefined;
  for (const { context, content } of hostileMessageContents(payload)) {
    const event = add(context, { type: 'm.room.message', sender: hostileUser, content });
    first ??= event;
  }
  add('m.sticker body/url', { type: 'm.sticker', sender: hostileUser, content: { body: payload, url: VALID_MXC, info: { thumbnail_url: payload } } });
  add('sender user ID', { type: 'm.room.message', sender: evilId, content: { msgtype: 'm.text', body: 'hello' } });
  add('event ID', { event_id: `$${payload}${tag}`, type: 'm.room.message', sender: hostileUser, content: { msgtype: 'm.text', body: 'id' } });
  add('event type', { type: payload, sender: hostileUser, content: { body: payload } });
  add('state event type', { type: payload, sender: hostileUser, state_key: payload, content: { body: payload } });
  add('reply to payload body', {
    type: 'm.room.message', sender: hostileUser,
    content: { msgtype: 'm.text', body: `> ${payload}\n\nreply`, 'm.relates_to': { 'm.in_reply_to': { event_id: first!.event_id } } },
  });
  add('reply to payload event ID', {
    type: 'm.room.message', sender: hostileUser,
    content: { msgtype: 'm.text', body: 'reply', 'm.relates_to': { 'm.in_reply_to': { event_id: payload } } },
  });
  add('reaction key', { type: 'm.reaction', sender: hostileUser, content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: first!.event_id, key: payload } } });
  add('edit m.new_content', {
    type: 'm.room.message', sender: hostileUser,
    content: {
      msgtype: 'm.text', body: `* ${payload}`,
      'm.new_content': { msgtype: 'm.text', body: payload, format: 'org.matrix.custom.html', formatted_body: payload },
      'm.relates_to': { rel_type: 'm.replace', event_id: first!.event_id },
    },
  });
  const thread = add('thread root', { type: 'm.room.message', sender: hostileUser, content: { msgtype: 'm.text', body: payload } });
  add('thread reply', {
    type: 'm.room.message', sender: hostileUser,
    content: { msgtype: 'm.text', body: payload, 'm.relates_to': { rel_type: 'm.thread', event_id: thread.event_id } },
  });
  const target = add('redacted message', { type: 'm.room.message', sender: hostileUser, content: { msgtype: 'm.text', body: payload } });
  add('redaction reason', { type: 'm.room.redaction', sender: evilId, redacts: target.event_id, content: { redacts: target.event_id, reason: payload } });
  add('m.room.name', { type: 'm.room.name', sender: hostileUser, state_key: '', content: { name: payload }, unsigned: { prev_content: { name: payload } } });
  add('m.room.topic', { type: 'm.room.topic', sender: hostileUser, state_key: '', content: { topic: payload }, unsigned: { prev_content: { topic: payload } } });
  add('m.room.avatar', { type: 'm.room.avatar', sender: hostileUser, state_key: '', content: { url: payload } });
  add('m.room.canonical_alias', { type: 'm.room.canonical_alias', sender: hostileUser, state_key: '', content: { alias: payload, alt_aliases: [payload] } });
  add('m.room.join_rules', { type: 'm.room.join_rules', sender: hostileUser, state_key: '', content: { join_rule: payload } });
  add('im.vector.modular.widgets', { type: 'im.vector.modular.widgets', sender: hostileUser, state_key: payload, content: hostileWidgetContent(payload) });
  add('m.widget (jitsi)', { type: 'm.widget', sender: hostileUser, state_key: `w${tag}`, content: hostileWidgetContent(payload, 'jitsi') });
  add('widget removed', {
    type: 'im.vector.modular.widgets', sender: hostileUser, state_key: `r${tag}`, content: {},
    unsigned: { prev_content: hostileWidgetContent(payload) },
  });
  add('m.room.tombstone', { type: 'm.room.tombstone', sender: hostileUser, state_key: '', content: { body: payload, replacement_room: payload } });
  add('m.room.tombstone (room ID)', { type: 'm.room.tombstone', sender: hostileUser, state_key: '', content: { body: payload, replacement_room: `!${payload}` } });
  add('m.space.child', { type: 'm.space.child', sender: hostileUser, state_key: `!${payload}`, content: { via: [payload] } });
  add('m.room.create predecessor', { type: 'm.room.create', sender: hostileUser, state_key: '', content: { predecessor: { room_id: `!${payload}`, event_id: payload } } });
  add('power levels user IDs', {
    type: 'm.room.power_levels', sender: hostileUser, state_key: '', content: { users: { [evilId]: 50, [hostileUser]: 100 } },
  });
  add('third party invite display_name', { type: 'm.room.third_party_invite', sender: hostileUser, state_key: payload, content: { display_name: payload } });
  add('victim joins', { type: 'm.room.member', sender: victim, state_key: victim, content: { membership: 'join', displayname: `${payload} victim` } });
  add('kick reason', {
    type: 'm.room.member', sender: hostileUser, state_key: victim, content: { membership: 'leave', reason: payload },
    unsigned: { prev_content: { membership: 'join', displayname: payload } },
  });
  add('ban reason', {
    type: 'm.room.member', sender: hostileUser, state_key: victim, content: { membership: 'ban', reason: payload, displayname: payload },
    unsigned: { prev_content: { membership: 'leave' } },
  });
  add('invite reason', { type: 'm.room.member', sender: hostileUser, state_key: evilId, content: { membership: 'invite', reason: payload, displayname: payload } });
  const members: MatrixEvent[] = [
    { event_id: `$${tag}-m1`, type: 'm.room.member', sender: hostileUser, state_key: hostileUser, origin_server_ts: ts, content: memberContent },
    { event_id: `$${tag}-m2`, type: 'm.room.member', sender: evilId, state_key: evilId, origin_server_ts: ts, content: memberContent },
  ];
  return { events, members, contexts };
}

/**
 * The current state of a room made of payloads: `payloads[0]` names it (name, topic, avatar,
 * canonical alias, tombstone), and every payload adds widgets of both event types and a
 * member with a hostile profile. The room stays world-readable.
 */
export function hostileRoomState(roomId: string, payloads: readonly string[], ts: number): MatrixEvent[] {
  const main = payloads[0] ?? '';
  let n = 0;
  const state = (type: string, stateKey: string, content: Content, sender = '@creator:evil.example'): MatrixEvent => ({
    event_id: `$state-${n++}`, type, sender, state_key: stateKey, origin_server_ts: ts + n, room_id: roomId, content,
  });
  const events = [
    state('m.room.create', '', { room_version: '10', creator: '@creator:evil.example', predecessor: { room_id: main, event_id: main } }),
    state('m.room.history_visibility', '', { history_visibility: 'world_readable' }),
    state('m.room.join_rules', '', { join_rule: main }),
    state('m.room.guest_access', '', { guest_access: main }),
    state('m.room.encryption', '', { algorithm: main }),
    state('m.room.name', '', { name: main }),
    state('m.room.topic', '', { topic: main }),
    state('m.room.avatar', '', { url: main }),
    state('m.room.canonical_alias', '', { alias: `#${main}:evil.example`, alt_aliases: payloads.slice(0, 5).map((p) => `#${p}`) }),
    state('m.room.tombstone', '', { body: main, replacement_room: main }),
    state('m.room.power_levels', '', { users: Object.fromEntries(payloads.map((p, i) => [`@${p}:evil.example`, i])) }),
  ];
  payloads.forEach((payload, i) => {
    const user = `@${payload}:evil.example`;
    events.push(state('m.room.member', user, { membership: 'join', displayname: payload, avatar_url: payload }, user));
    events.push(state('im.vector.modular.widgets', `${payload}-${i}`, hostileWidgetContent(payload), user));
    events.push(state('m.widget', `w-${i}`, hostileWidgetContent(payload, i % 2 === 0 ? 'jitsi' : 'custom'), user));
  });
  events.push(state('io.element.widgets.layout', '', { widgets: Object.fromEntries(payloads.map((p, i) => [`${p}-${i}`, { container: p, index: i }])) }));
  return events;
}
