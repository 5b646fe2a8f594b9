// The "events" room: everything a reader meets besides plain messages. Polls in both
// namespaces with votes (one ended), a 1:1 voice call, a declined video call, an Element
// Call, pinned messages, a voice message and a real video, and a run of membership changes.
// And the "policy" room: a moderation policy list with rules for users, rooms and servers.
import type { SeedRoom } from '../../tests/support/homeserver.js';
import { type RegisteredUser, send, sendText, setState, upload } from './client.js';
import { wav } from './media.js';
import { createRoom, join, joinedCount, leave, roomVersion } from './rooms.js';
import type { Users } from './users.js';

export interface EventsSeed {
  events: SeedRoom & { media: Record<string, string> };
  policy: SeedRoom;
}

const ref = (eventId: string): Record<string, unknown> => ({ 'm.relates_to': { rel_type: 'm.reference', event_id: eventId } });
const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

async function room(creator: RegisteredUser, alias: string, name: string, topic: string, powerLevels?: Record<string, unknown>): Promise<SeedRoom> {
  const { roomId, alias: fullAlias } = await createRoom(creator, { alias, name, topic, published: false, historyVisibility: 'world_readable', guestAccess: true, powerLevels });
  return { roomId, alias: fullAlias, name, topic, roomVersion: '', worldReadable: true, inDirectory: false, memberCount: 0, events: {} };
}

async function polls(users: Users, roomId: string, events: Record<string, string>): Promise<void> {
  const { alice, bob, carol, dave } = users;
  events['pollUnstable'] = await send(alice, roomId, 'org.matrix.msc3381.poll.start', {
    'org.matrix.msc3381.poll.start': {
      question: { 'org.matrix.msc1767.text': 'Tea or coffee?', body: 'Tea or coffee?', msgtype: 'm.text' },
      kind: 'org.matrix.msc3381.poll.disclosed',
      max_selections: 1,
      answers: [{ id: 'tea', 'org.matrix.msc1767.text': 'Tea' }, { id: 'coffee', 'org.matrix.msc1767.text': 'Coffee' }],
    },
    'org.matrix.msc1767.text': 'Tea or coffee?\n1. Tea\n2. Coffee',
  });
  const vote = (user: RegisteredUser, answer: string): Promise<string> =>
    send(user, roomId, 'org.matrix.msc3381.poll.response', { 'org.matrix.msc3381.poll.response': { answers: [answer] }, ...ref(events['pollUnstable']!) });
  events['voteUnstable'] = await vote(bob, 'tea');
  await vote(carol, 'coffee');
  await vote(dave, 'tea');
  events['pollUnstableEnd'] = await send(alice, roomId, 'org.matrix.msc3381.poll.end', { 'org.matrix.msc3381.poll.end': {}, 'org.matrix.msc1767.text': 'Ended poll', ...ref(events['pollUnstable']!) });

  events['pollStable'] = await send(bob, roomId, 'm.poll.start', {
    'm.poll': {
      kind: 'm.disclosed',
      max_selections: 1,
      question: { 'm.text': [{ body: 'Which day suits you?' }] },
      answers: [{ 'm.id': 'mon', 'm.text': [{ body: 'Monday' }] }, { 'm.id': 'fri', 'm.text': [{ body: 'Friday' }] }],
    },
    'm.text': [{ body: 'Which day suits you?\n1. Monday\n2. Friday' }],
  });
  await send(alice, roomId, 'm.poll.response', { 'm.selections': ['fri'], ...ref(events['pollStable']!) });
  await send(carol, roomId, 'm.poll.response', { 'm.selections': ['mon'], ...ref(events['pollStable']!) });
  await send(dave, roomId, 'm.poll.response', { 'm.selections': ['fri'], ...ref(events['pollStable']!) });
}

async function calls(users: Users, roomId: string, events: Record<string, string>): Promise<void> {
  const { alice, bob } = users;
  const call = { version: '1', call_id: 'seedcall1' };
  events['callInvite'] = await send(alice, roomId, 'm.call.invite', { ...call, party_id: 'a', lifetime: 60000, offer: { type: 'offer', sdp: SDP } });
  await send(alice, roomId, 'm.call.candidates', { ...call, party_id: 'a', candidates: [{ sdpMid: 'audio', sdpMLineIndex: 0, candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' }] });
  await send(bob, roomId, 'm.call.answer', { ...call, party_id: 'b', answer: { type: 'answer', sdp: SDP } });
  await send(alice, roomId, 'm.call.select_answer', { ...call, party_id: 'a', selected_party_id: 'b' });
  events['callHangup'] = await send(bob, roomId, 'm.call.hangup', { ...call, party_id: 'b', reason: 'user_hangup' });
  const video = { version: '1', call_id: 'seedcall2' };
  events['videoInvite'] = await send(bob, roomId, 'm.call.invite', { ...video, party_id: 'b', lifetime: 60000, offer: { type: 'offer', sdp: `${SDP}m=video 9 UDP/TLS/RTP/SAVPF 96\r\n` } });
  events['callReject'] = await send(alice, roomId, 'm.call.reject', { ...video, party_id: 'a' });

  const member = (device: string): Record<string, unknown> => ({
    application: 'm.call', call_id: '', scope: 'm.room', device_id: device, expires: 14_400_000,
    focus_active: { type: 'livekit', focus_selection: 'oldest_membership' },
    foci_preferred: [{ type: 'livekit', livekit_service_url: 'https://livekit.invalid' }],
  });
  events['elementCallStart'] = await setState(alice, roomId, 'org.matrix.msc3401.call.member', `_${alice.userId}_ALICEDEV`, member('ALICEDEV'));
  await send(alice, roomId, 'org.matrix.msc4075.rtc.notification', { notification_type: 'ring', lifetime: 30000, 'm.mentions': { room: true, user_ids: [] } });
  events['elementCallJoin'] = await setState(bob, roomId, 'org.matrix.msc3401.call.member', `_${bob.userId}_BOBDEV`, member('BOBDEV'));
  await setState(bob, roomId, 'org.matrix.msc3401.call.member', `_${bob.userId}_BOBDEV`, {});
  await setState(alice, roomId, 'org.matrix.msc3401.call.member', `_${alice.userId}_ALICEDEV`, {});
}

async function mediaAndPins(users: Users, roomId: string, events: Record<string, string>, video: Buffer, media: Record<string, string>): Promise<void> {
  const { alice, carol, dave } = users;
  const voice = wav(1200, 330);
  media['voice'] = await upload(carol, 'Voice message', 'audio/wav', voice);
  events['voice'] = await send(carol, roomId, 'm.room.message', {
    msgtype: 'm.audio', body: 'Voice message', url: media['voice'],
    info: { mimetype: 'audio/wav', size: voice.length, duration: 1200 },
    'org.matrix.msc1767.audio': { duration: 1200, waveform: [0, 300, 600, 300] },
    'org.matrix.msc3245.voice': {},
  });
  media['video'] = await upload(dave, 'colours.webm', 'video/webm', video);
  events['video'] = await send(dave, roomId, 'm.room.message', {
    msgtype: 'm.video', body: 'colours.webm', url: media['video'],
    info: { mimetype: 'video/webm', size: video.length, duration: 1000, w: 64, h: 48 },
  });
  events['rules'] = await sendText(alice, roomId, 'House rules: be kind, stay on topic.');
  events['faq'] = await sendText(alice, roomId, 'The FAQ lives on the wiki.');
  events['pin1'] = await setState(alice, roomId, 'm.room.pinned_events', '', { pinned: [events['rules']!] });
  events['pin2'] = await setState(alice, roomId, 'm.room.pinned_events', '', { pinned: [events['rules']!, events['faq']!, events['pollStable']!] });
  events['unpin'] = await setState(alice, roomId, 'm.room.pinned_events', '', { pinned: [events['rules']!, events['pollStable']!] });
}

/** Five join, one leaves, one renames in this room only: a run of seven membership changes. */
async function churn(users: Users, room: SeedRoom): Promise<void> {
  const { alice, bob, carol, dave, eve } = users;
  for (const user of [alice, bob, carol, dave, eve]) room.events[`join:${user.name}`] = await join(user, room.alias, room.roomId);
  room.events['eveLeft'] = await leave(eve, room.roomId, alice);
  room.events['carolRenamed'] = await setState(carol, room.roomId, 'm.room.member', carol.userId, { membership: 'join', displayname: 'Captain Carol' });
}

export async function seedEvents(users: Users, video: Promise<Buffer>): Promise<EventsSeed> {
  const { seeder } = users;
  // As Element sets them: anyone may take part in a call and pin messages.
  const levels = { events: { 'org.matrix.msc3401.call.member': 0, 'm.room.pinned_events': 0 } };
  const events = await room(seeder, 'events', 'Event Kinds', 'Event Kinds: polls, calls, pins, voice and video, and membership churn', levels);
  await churn(users, events);
  await sendText(seeder, events.roomId, 'Welcome, everyone: this room shows every kind of event.');
  await polls(users, events.roomId, events.events);
  // Synapse refuses call invites in public rooms: calls happen in invite-only ones.
  events.events['inviteOnly'] = await setState(seeder, events.roomId, 'm.room.join_rules', '', { join_rule: 'invite' });
  await calls(users, events.roomId, events.events);
  const media: Record<string, string> = {};
  await mediaAndPins(users, events.roomId, events.events, await video, media);

  const policy = await room(seeder, 'policy', 'Ban List', 'Ban List: a moderation policy list');
  const rule = (kind: string, key: string, content: Record<string, unknown>): Promise<string> => setState(seeder, policy.roomId, `m.policy.rule.${kind}`, key, content);
  policy.events['ruleUser'] = await rule('user', 'rule:@spam*', { entity: '@spam*:example.org', recommendation: 'm.ban', reason: 'spam' });
  policy.events['ruleRoom'] = await rule('room', 'rule:#scam', { entity: '#scam:example.org', recommendation: 'm.ban', reason: 'scams' });
  policy.events['ruleServer'] = await rule('server', 'rule:evil', { entity: '*.evil.example', recommendation: 'm.ban', reason: 'abuse' });
  policy.events['ruleRemoved'] = await rule('room', 'rule:#scam', {});
  for (const r of [events, policy]) {
    r.roomVersion = await roomVersion(seeder, r.roomId);
    r.memberCount = await joinedCount(seeder, r.roomId);
  }
  return { events: { ...events, media }, policy };
}
