import type { MatrixEvent } from '../matrix/events.js';
import type { HierarchyRoom } from '../matrix/room-answers.js';
import { memberEventsOf, type MemberList } from './members.js';
import type { RoomReader } from './reader.js';
import type { RoomSnapshot } from './snapshot.js';

/** Everything the info page shows beyond the snapshot. */
export interface InfoData {
  snapshot: RoomSnapshot;
  /** The member list within its byte bound; undefined when it could not be read. */
  members: MemberList | undefined;
  /** The servers of the listed members, most members first (the first of them), and how many in all. */
  servers: string[];
  serverCount: number;
  /** Member events of the creator and power-level holders, for their names. */
  profiles: MatrixEvent[];
  children: HierarchyRoom[];
  /** The latest pinned event IDs, and those of them that could be fetched. */
  pinned: string[];
  pinTargets: MatrixEvent[];
}

export interface MembersData {
  snapshot: RoomSnapshot;
  members: MemberList;
}

export interface WidgetsData {
  snapshot: RoomSnapshot;
  /** Member events of whoever added a widget, for their names. */
  profiles: MatrixEvent[];
}

/** Loaders of the pages about a room rather than its messages: details, members, widgets. */
export class AboutLoader {
  /** `maxPins`: how many of the latest pins the info page lists (view/ decides; services.ts gives it). */
  constructor(
    private readonly reader: Pick<RoomReader, 'memberList' | 'profiles' | 'children' | 'eventsById'>,
    private readonly maxPins: number,
  ) {}

  async info(snapshot: RoomSnapshot): Promise<InfoData> {
    const { maxPins } = this;
    const { state } = snapshot;
    const list = await this.reader.memberList(snapshot).catch(() => undefined);
    const people = [state.creator, ...Object.keys(state.powerLevels.users)].filter((id): id is string => id !== undefined);
    // Only the people named are taken from the list, not all of a big room's members.
    const profiles = await this.reader.profiles(snapshot, people, [...memberEventsOf(list, people), ...snapshot.members.values()]);
    const children = state.roomType === 'm.space' ? await this.reader.children(snapshot).catch(() => []) : [];
    const pinned = state.pinned.slice(-maxPins);
    const pinTargets = await this.reader.eventsById(snapshot, pinned, snapshot.timeline, maxPins);
    return { snapshot, members: list, servers: list?.servers ?? [], serverCount: list?.serverCount ?? 0, profiles, children, pinned, pinTargets };
  }

  async members(snapshot: RoomSnapshot): Promise<MembersData> {
    return { snapshot, members: await this.reader.memberList(snapshot) };
  }

  async widgets(snapshot: RoomSnapshot): Promise<WidgetsData> {
    const senders = snapshot.state.widgetEvents.map((event) => event.sender);
    return { snapshot, profiles: await this.reader.profiles(snapshot, senders, [...snapshot.members.values()]) };
  }
}
