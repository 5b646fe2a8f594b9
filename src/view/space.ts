import type { HierarchyRoom } from '../matrix/rooms.js';
import { avatarLetter } from './events/format.js';
import { clip, counted, roomDisplayName } from './text.js';
import { roomPath, thumbnailPath } from './urls.js';

export interface SpaceChildView {
  name: string;
  href: string | undefined;
  topic: string | undefined;
  memberCount: number;
  /** "1 member", "12 members". */
  members: string;
  avatar: string | undefined;
  letter: string;
  isSpace: boolean;
  /** Children whose history is not world-readable are listed but not linked. */
  readable: boolean;
}

export function buildSpaceChildren(rooms: readonly HierarchyRoom[]): SpaceChildView[] {
  return rooms.map((room) => {
    const name = roomDisplayName(room);
    return {
      name,
      href: room.worldReadable ? roomPath(room.canonicalAlias ?? room.roomId) : undefined,
      topic: room.topic ? clip(room.topic, 300) : undefined,
      memberCount: room.memberCount,
      members: counted(room.memberCount, 'member', 'members'),
      avatar: thumbnailPath(room.avatarUrl, 48, 48, 'crop') ?? undefined,
      letter: avatarLetter(name),
      isSpace: room.roomType === 'm.space',
      readable: room.worldReadable,
    };
  });
}
