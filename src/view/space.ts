import type { HierarchyRoom } from '../matrix/room-answers.js';
import { roomCard, type RoomCardView } from './room-card.js';

export interface SpaceChildView extends RoomCardView {
  /** Children whose history is not world-readable are listed but not linked. */
  readable: boolean;
}

export function buildSpaceChildren(rooms: readonly HierarchyRoom[]): SpaceChildView[] {
  return rooms.map((room) => ({ ...roomCard(room, { linked: room.worldReadable, avatarSize: 48, topicMax: 300 }), readable: room.worldReadable }));
}
