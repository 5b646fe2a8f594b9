/**
 * Senders' names and avatars as they were at each event. Starting from the member state
 * after the newest event of the page, the page is walked from newest to oldest; a member
 * event for user U puts U's profile back to the event's `unsigned.prev_content` for every
 * older event. A member event itself is shown with the profile it sets.
 */
import { isRecord, type MatrixEvent } from '../../matrix/events.js';
import type { Profile } from '../../rooms/state.js';
import { thumbnailPath } from '../urls.js';
import { avatarLetter, cleanName } from './format.js';
import type { SenderView } from './types.js';

export const AVATAR_SIZE = 32;

/** The profile a member event's content (or prev_content) describes; names cleaned. */
export function profileOf(content: unknown): Profile {
  if (!isRecord(content)) return { displayName: undefined, avatarUrl: undefined };
  const avatar = content['avatar_url'];
  return {
    displayName: cleanName(content['displayname']) ?? undefined,
    avatarUrl: typeof avatar === 'string' && avatar !== '' ? avatar : undefined,
  };
}

const isMember = (event: MatrixEvent): event is MatrixEvent & { state_key: string } =>
  event.type === 'm.room.member' && typeof event.state_key === 'string';

/** User IDs whose profile an event needs besides its sender's. */
export type NeededIds = (event: MatrixEvent) => readonly string[];

export class ProfileHistory {
  private readonly latest = new Map<string, Profile>();
  private readonly beforePage = new Map<string, Profile>();
  private readonly atEvent = new Map<string, Map<string, Profile>>();
  private readonly ambiguous = new Set<string>();
  /** The most recent profile with a display name seen for each user, for sentences about users who have none now. */
  private readonly named = new Map<string, Profile>();
  private readonly oldestTs: number;

  /** `events` chronological; `members` the member state after the newest of them. */
  constructor(members: readonly MatrixEvent[], events: readonly MatrixEvent[], needed: NeededIds = () => []) {
    const namesUsed = new Map<string, Set<string>>();
    const noteName = (userId: string, profile: Profile): void => {
      if (profile.displayName === undefined) return;
      if (!this.named.has(userId)) this.named.set(userId, profile);
      const users = namesUsed.get(profile.displayName) ?? new Set<string>();
      users.add(userId);
      namesUsed.set(profile.displayName, users);
    };
    for (const event of members) {
      if (!isMember(event)) continue;
      const profile = profileOf(event.content);
      this.latest.set(event.state_key, profile);
      noteName(event.state_key, profile);
    }
    const current = new Map(this.latest);
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i]!;
      const snapshot = new Map<string, Profile>();
      for (const userId of [event.sender, ...needed(event)]) {
        const profile = current.get(userId);
        if (profile) snapshot.set(userId, profile);
      }
      this.atEvent.set(event.event_id, snapshot);
      if (isMember(event)) {
        noteName(event.state_key, profileOf(event.content));
        const prev = event.unsigned?.['prev_content'];
        const before = profileOf(prev);
        noteName(event.state_key, before);
        current.set(event.state_key, before);
      }
    }
    for (const [userId, profile] of current) this.beforePage.set(userId, profile);
    this.oldestTs = events[0]?.origin_server_ts ?? Number.POSITIVE_INFINITY;
    for (const [name, users] of namesUsed) if (users.size > 1) this.ambiguous.add(name);
  }

  /**
   * The profile of `userId` at `event`: recorded during the walk for the page's events;
   * for an event older than the page, the profile before the page; else the latest.
   */
  profile(userId: string, event?: MatrixEvent): Profile | undefined {
    if (event) {
      const snapshot = this.atEvent.get(event.event_id);
      if (snapshot) return snapshot.get(userId);
      if (event.origin_server_ts < this.oldestTs) return this.beforePage.get(userId) ?? this.latest.get(userId);
    }
    return this.latest.get(userId);
  }

  /** A name as shown: the display name (with the user ID when another user has it too), else the user ID. */
  displayName(userId: string, profile: Profile | undefined): string {
    const name = profile?.displayName;
    if (name === undefined) return cleanName(userId) ?? 'unknown user';
    return this.ambiguous.has(name) ? `${name} (${cleanName(userId) ?? ''})` : name;
  }

  /** The profile at the event if it has a name, else the most recent one that had a name. */
  namedProfile(userId: string, event?: MatrixEvent): Profile | undefined {
    const profile = this.profile(userId, event);
    return profile?.displayName === undefined ? (this.named.get(userId) ?? profile) : profile;
  }

  name(userId: string, event?: MatrixEvent): string {
    return this.displayName(userId, this.profile(userId, event));
  }

  sender(event: MatrixEvent): SenderView {
    let profile = this.profile(event.sender, event);
    // Someone leaving is still shown with the name they had before.
    if (profile?.displayName === undefined && isMember(event) && event.state_key === event.sender) {
      const before = profileOf(event.unsigned?.['prev_content']);
      if (before.displayName !== undefined) profile = before;
    }
    const name = this.displayName(event.sender, profile);
    return {
      userId: event.sender,
      name,
      avatar: thumbnailPath(profile?.avatarUrl, AVATAR_SIZE, AVATAR_SIZE, 'crop'),
      letter: avatarLetter(profile?.displayName ?? event.sender),
    };
  }
}
