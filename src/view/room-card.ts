import type { PublicRoom } from '../matrix/directory.js';
import { avatarLetter } from './events/format.js';
import { clip, counted, roomDisplayName } from './text.js';
import { roomPath, thumbnailPath } from './urls.js';

/** A room as a list shows it (the directory, a space's children): name, address, topic, members, avatar. */
export interface RoomCardView {
  name: string;
  /** Undefined when the room is listed but not linked. */
  href: string | undefined;
  alias: string | undefined;
  topic: string | undefined;
  memberCount: number;
  /** "1 member", "12 members". */
  members: string;
  /** Site-relative thumbnail URL, or undefined when the room has no usable avatar. */
  avatar: string | undefined;
  /** Shown in place of a missing avatar. */
  letter: string;
  isSpace: boolean;
}

export function roomCard(room: PublicRoom, opts: { linked: boolean; avatarSize: number; topicMax: number }): RoomCardView {
  const name = roomDisplayName(room);
  return {
    name,
    href: opts.linked ? roomPath(room.canonicalAlias ?? room.roomId) : undefined,
    alias: room.canonicalAlias,
    topic: room.topic ? clip(room.topic, opts.topicMax) : undefined,
    memberCount: room.memberCount,
    members: counted(room.memberCount, 'member', 'members'),
    avatar: thumbnailPath(room.avatarUrl, opts.avatarSize, opts.avatarSize, 'crop') ?? undefined,
    letter: avatarLetter(name),
    isSpace: room.roomType === 'm.space',
  };
}
