// #lobby:localhost: world-readable, published, guests can join; every kind of event.
import type { LobbyRoom } from '../../tests/support/homeserver.js';
import { send, SERVER_NAME, setState, upload } from './client.js';
import { seedLobbyMessages } from './lobby-messages.js';
import { png } from './media.js';
import {
  ban,
  createRoom,
  invite,
  join,
  joinedCount,
  kick,
  leave,
  react,
  redact,
  roomVersion,
  setAvatar,
  setDisplayName,
  unban,
} from './rooms.js';
import type { Users } from './users.js';

const NAME = 'Lobby';
const TOPIC = 'Lobby: the seeded room with every kind of message, edit, reaction and membership change';

export async function seedLobby(users: Users): Promise<LobbyRoom> {
  const { seeder, alice, bob, carol, dave, eve } = users;
  const room = await createRoom(seeder, {
    alias: 'lobby',
    name: 'Lobby (draft name)',
    topic: 'Draft topic, changed after creation',
    published: true,
    historyVisibility: 'world_readable',
    guestAccess: true,
  });
  const { roomId } = room;
  const events: Record<string, string> = {};
  for (const user of [alice, bob, carol, dave]) {
    events[`join:${user.name}`] = await join(user, room.alias, roomId);
  }

  const messages = await seedLobbyMessages(users, roomId);
  Object.assign(events, messages.events);
  const media = messages.media;
  const text = events['text']!;

  // A reply with the classic fallback in both bodies.
  const link = `https://matrix.to/#/${encodeURIComponent(roomId)}/${encodeURIComponent(text)}`;
  events['reply'] = await send(bob, roomId, 'm.room.message', {
    msgtype: 'm.text',
    body: `> <${alice.userId}> Hello, lobby!\n> The spec lives at https://spec.matrix.org/latest/ for anyone curious.\n\nThanks Alice, that is the reply.`,
    format: 'org.matrix.custom.html',
    formatted_body:
      `<mx-reply><blockquote><a href="${link}">In reply to</a> ` +
      `<a href="https://matrix.to/#/${alice.userId}">${alice.userId}</a><br>Hello, lobby!</blockquote></mx-reply>` +
      'Thanks Alice, that is the <b>reply</b>.',
    'm.relates_to': { 'm.in_reply_to': { event_id: text } },
  });
  events['replyTarget'] = text;

  // An original and two successive edits.
  events['editOriginal'] = await send(carol, roomId, 'm.room.message', { msgtype: 'm.text', body: 'Helo wrold, this has typos' });
  for (const [i, body] of ['Hello wrold, one typo left', 'Hello world, all typos fixed'].entries()) {
    events[`edit${i + 1}`] = await send(carol, roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: `* ${body}`,
      'm.new_content': { msgtype: 'm.text', body },
      'm.relates_to': { rel_type: 'm.replace', event_id: events['editOriginal'] },
    });
  }

  // Reactions: same key from several users, and different keys.
  events['reaction:alice:thumbs'] = await react(alice, roomId, events['formatted']!, '👍');
  events['reaction:carol:thumbs'] = await react(carol, roomId, events['formatted']!, '👍');
  events['reaction:dave:thumbs'] = await react(dave, roomId, events['formatted']!, '👍');
  events['reaction:dave:party'] = await react(dave, roomId, events['formatted']!, '🎉');
  events['reaction:bob:heart'] = await react(bob, roomId, text, '❤️');
  events['reactedTo'] = events['formatted']!;

  // A redaction with a reason.
  events['redacted'] = await send(dave, roomId, 'm.room.message', { msgtype: 'm.text', body: 'This message will be deleted' });
  events['redaction'] = await redact(dave, roomId, events['redacted'], 'Posted by mistake');

  // A thread: root and three replies.
  events['threadRoot'] = await send(alice, roomId, 'm.room.message', { msgtype: 'm.text', body: 'Thread root: which editor do you use?' });
  let last = events['threadRoot'];
  for (const [i, [user, body]] of ([[bob, 'Vim, obviously.'], [carol, 'Emacs!'], [alice, 'Both are fine.']] as const).entries()) {
    last = await send(user, roomId, 'm.room.message', {
      msgtype: 'm.text',
      body,
      'm.relates_to': {
        rel_type: 'm.thread',
        event_id: events['threadRoot'],
        is_falling_back: true,
        'm.in_reply_to': { event_id: last },
      },
    });
    events[`threadReply${i + 1}`] = last;
  }

  // Membership: invite and join, display name and avatar changes, leave, kick, ban, unban.
  events['inviteEve'] = await invite(seeder, roomId, eve.userId);
  events['join:eve'] = await join(eve, roomId, roomId);
  events['displayNameChange'] = await setDisplayName(eve, 'Eve the Eavesdropper', roomId);
  eve.displayName = 'Eve the Eavesdropper';
  const avatar = png(32, 32, [20, 120, 220], [220, 220, 20]);
  media['memberAvatar'] = await upload(bob, 'bob.png', 'image/png', avatar);
  events['memberAvatarChange'] = await setAvatar(bob, media['memberAvatar'], roomId);
  events['leave:dave'] = await leave(dave, roomId, seeder);
  events['rejoin:dave'] = await join(dave, roomId, roomId);
  events['kick'] = await kick(seeder, roomId, dave.userId, 'Kicked to test kicks');
  events['ban'] = await ban(seeder, roomId, eve.userId, 'Banned to test bans');
  events['unban'] = await unban(seeder, roomId, eve.userId);
  events['invitePending'] = await invite(seeder, roomId, eve.userId);

  // Power levels and room state changed after creation.
  events['powerLevels'] = await setState(seeder, roomId, 'm.room.power_levels', '', {
    users: { [seeder.userId]: 100, [alice.userId]: 50 },
    users_default: 0,
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: 0,
    events: { 'm.room.name': 50, 'm.room.power_levels': 100, 'm.room.avatar': 50 },
  });
  events['nameChange'] = await setState(seeder, roomId, 'm.room.name', '', { name: NAME });
  events['topicChange'] = await setState(seeder, roomId, 'm.room.topic', '', { topic: TOPIC });
  const roomAvatar = png(64, 64, [10, 90, 60], [240, 200, 40]);
  const avatarUrl = await upload(seeder, 'lobby-avatar.png', 'image/png', roomAvatar);
  media['roomAvatar'] = avatarUrl;
  events['avatarChange'] = await setState(seeder, roomId, 'm.room.avatar', '', {
    url: avatarUrl,
    info: { w: 64, h: 64, size: roomAvatar.length, mimetype: 'image/png' },
  });
  events['last'] = await send(alice, roomId, 'm.room.message', { msgtype: 'm.text', body: `Welcome to ${NAME} on ${SERVER_NAME}!` });

  return {
    roomId,
    alias: room.alias,
    name: NAME,
    topic: TOPIC,
    roomVersion: await roomVersion(seeder, roomId),
    worldReadable: true,
    inDirectory: true,
    memberCount: await joinedCount(seeder, roomId),
    events,
    avatarUrl,
    media,
  };
}
