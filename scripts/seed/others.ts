// The smaller rooms: members-only, unlisted, a space with children, a room version 12 room.
import type { SeedRoom, SpaceRoom } from '../../tests/support/homeserver.js';
import { type RegisteredUser, sendText, SERVER_NAME, setState } from './client.js';
import { createRoom, type CreateRoomOptions, join, joinedCount, roomVersion } from './rooms.js';
import type { Users } from './users.js';

async function simpleRoom(
  creator: RegisteredUser,
  members: RegisteredUser[],
  opts: CreateRoomOptions,
  bodies: string[],
): Promise<SeedRoom> {
  const room = await createRoom(creator, opts);
  const { roomId } = room;
  const events: Record<string, string> = {};
  for (const user of members) events[`join:${user.name}`] = await join(user, room.alias, roomId);
  const speakers = [creator, ...members];
  for (const [i, body] of bodies.entries()) {
    events[`message${i + 1}`] = await sendText(speakers[i % speakers.length]!, roomId, body);
  }
  return {
    roomId,
    alias: room.alias,
    name: opts.name,
    topic: opts.topic,
    roomVersion: await roomVersion(creator, roomId),
    worldReadable: opts.historyVisibility === 'world_readable',
    inDirectory: opts.published,
    memberCount: await joinedCount(creator, roomId),
    events,
  };
}

export async function seedMembersOnly(users: Users): Promise<SeedRoom> {
  return simpleRoom(users.seeder, [users.alice, users.bob], {
    alias: 'members-only',
    name: 'Members Only',
    topic: 'Members Only: history is shared with members, never shown by the viewer',
    published: true,
    historyVisibility: 'shared',
    guestAccess: false,
  }, ['Secret: members-only message one', 'Secret: members-only message two', 'Secret: members-only message three']);
}

export async function seedUnlisted(users: Users): Promise<SeedRoom> {
  return simpleRoom(users.seeder, [users.carol], {
    alias: 'unlisted',
    name: 'Unlisted',
    topic: 'Unlisted: world-readable but not in the room directory',
    published: false,
    historyVisibility: 'world_readable',
    guestAccess: true,
  }, ['Unlisted message one', 'Unlisted message two', 'Unlisted message three']);
}

export async function seedV12(users: Users): Promise<SeedRoom> {
  return simpleRoom(users.seeder, [users.alice, users.dave], {
    alias: 'v12',
    name: 'Version Twelve',
    topic: 'Version Twelve: a room version 12 room, whose ID has no server name',
    published: true,
    historyVisibility: 'world_readable',
    guestAccess: true,
    roomVersion: '12',
  }, ['Room version 12 message one', 'Room version 12 message two', 'Room version 12 message three']);
}

export interface SpaceSeed {
  space: SpaceRoom;
  garden: SeedRoom;
  library: SeedRoom;
}

/** A space whose children are the given rooms plus two new ones (garden, library). */
export async function seedSpace(users: Users, existingChildren: string[]): Promise<SpaceSeed> {
  const { seeder, alice, bob } = users;
  const garden = await simpleRoom(seeder, [alice], {
    alias: 'garden',
    name: 'Space Garden',
    topic: 'Space Garden: a child room of the space, in the directory',
    published: true,
    historyVisibility: 'world_readable',
    guestAccess: true,
  }, ['The roses are in bloom.', 'Remember to water the tomatoes.']);
  const library = await simpleRoom(seeder, [bob], {
    alias: 'library',
    name: 'Space Library',
    topic: 'Space Library: a child room of the space, not in the directory',
    published: false,
    historyVisibility: 'world_readable',
    guestAccess: true,
  }, ['Quiet, please.', 'New books arrived on Tuesday.']);

  const space = await simpleRoom(seeder, [], {
    alias: 'space',
    name: 'Seed Space',
    topic: 'Seed Space: a space that groups the seeded rooms',
    published: true,
    historyVisibility: 'world_readable',
    guestAccess: true,
    creationContent: { type: 'm.space' },
  }, []);
  const children = [...existingChildren, garden.roomId, library.roomId];
  for (const [i, child] of children.entries()) {
    space.events[`child${i + 1}`] = await setState(seeder, space.roomId, 'm.space.child', child, {
      via: [SERVER_NAME],
      order: String(i).padStart(2, '0'),
      ...(i === 0 ? { suggested: true } : {}),
    });
  }
  for (const child of [garden, library]) {
    child.events['spaceParent'] = await setState(seeder, child.roomId, 'm.space.parent', space.roomId, {
      via: [SERVER_NAME],
      canonical: true,
    });
  }
  return { space: { ...space, children }, garden, library };
}
