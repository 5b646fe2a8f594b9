/**
 * `m.room.member` events as sentences, from the membership before (`unsigned.prev_content`)
 * and after the event: joins, leaves, kicks, bans, unbans, invites, and profile changes.
 */
import { isRecord, type MatrixEvent } from '../../matrix/events.js';
import { cleanLine } from './format.js';
import { profileOf, type ProfileHistory } from './profiles.js';
import type { SentencePart } from './types.js';

const text = (value: string): SentencePart => ({ text: value });
const name = (value: string): SentencePart => ({ name: value });

function membershipOf(content: unknown): string | null {
  if (!isRecord(content)) return null;
  const membership = content['membership'];
  return typeof membership === 'string' ? membership : null;
}

function withReason(parts: SentencePart[], content: Record<string, unknown>): SentencePart[] {
  const reason = cleanLine(content['reason']);
  return reason ? [...parts, text(`: ${reason}`)] : parts;
}

/** A join that keeps the membership: a change of name and/or avatar. */
function profileChange(targetId: string, event: MatrixEvent, prevContent: unknown, profiles: ProfileHistory): SentencePart[] {
  const before = profileOf(prevContent);
  const after = profileOf(event.content);
  const nameChanged = before.displayName !== after.displayName;
  const avatarChanged = before.avatarUrl !== after.avatarUrl;
  const who = name(profiles.displayName(targetId, before));
  const parts: SentencePart[] = [who];
  if (nameChanged) {
    if (after.displayName && before.displayName) parts.push(text(' changed their name to '), name(after.displayName));
    else if (after.displayName) parts.push(text(' set their name to '), name(after.displayName));
    else parts.push(text(' removed their display name'));
  }
  if (avatarChanged) {
    if (nameChanged) parts.push(text(' and'));
    parts.push(text(after.avatarUrl ? (before.avatarUrl ? ' changed their avatar' : ' set an avatar') : ' removed their avatar'));
  }
  if (!nameChanged && !avatarChanged) parts.push(text(' made no change'));
  return parts;
}

export function membershipSentence(event: MatrixEvent, profiles: ProfileHistory): SentencePart[] {
  const targetId = event.state_key ?? event.sender;
  const prevContent = event.unsigned?.['prev_content'];
  const now = membershipOf(event.content);
  const before = membershipOf(prevContent) ?? 'leave';
  const after = profileOf(event.content);
  const previous = profileOf(prevContent);
  const sender = name(profiles.name(event.sender, event));
  // The target as the event names them: the name it sets, else the one they had.
  const target = name(
    after.displayName ?? previous.displayName ?? profiles.displayName(targetId, profiles.namedProfile(targetId, event)),
  );
  const self = event.sender === targetId;
  switch (now) {
    case 'join':
      if (before === 'join') return profileChange(targetId, event, prevContent, profiles);
      if (previous.displayName && after.displayName && previous.displayName !== after.displayName) {
        return [target, text(' joined the room (previously known as '), name(previous.displayName), text(')')];
      }
      return [target, text(' joined the room')];
    case 'invite':
      return withReason([sender, text(' invited '), target], event.content);
    case 'knock':
      return withReason([target, text(' asked to join the room')], event.content);
    case 'ban':
      return withReason([sender, text(' banned '), target], event.content);
    case 'leave':
      if (self) {
        if (before === 'invite') return withReason([target, text(' rejected the invitation')], event.content);
        if (before === 'knock') return withReason([target, text(' withdrew their request to join')], event.content);
        return withReason([target, text(' left the room')], event.content);
      }
      if (before === 'ban') return withReason([sender, text(' unbanned '), target], event.content);
      if (before === 'invite') return withReason([sender, text(' withdrew the invitation of '), target], event.content);
      if (before === 'knock') return withReason([sender, text(' declined the request to join of '), target], event.content);
      return withReason([sender, text(' kicked '), target], event.content);
    default:
      return [target, text('’s membership changed')];
  }
}

/** What a member event did, in the words of a folded run's summary ("joined", "left"…). */
export type MembershipChange = 'joined' | 'left' | 'invited' | 'removed' | 'banned' | 'unbanned' | 'name' | 'avatar' | 'other';

export function membershipChange(event: MatrixEvent): MembershipChange {
  const prevContent = event.unsigned?.['prev_content'];
  const now = membershipOf(event.content);
  const before = membershipOf(prevContent) ?? 'leave';
  const self = event.sender === (event.state_key ?? event.sender);
  if (now === 'join' && before === 'join') {
    const a = profileOf(prevContent);
    const b = profileOf(event.content);
    if (a.displayName !== b.displayName) return 'name';
    return a.avatarUrl !== b.avatarUrl ? 'avatar' : 'other';
  }
  if (now === 'join') return 'joined';
  if (now === 'invite') return 'invited';
  if (now === 'ban') return 'banned';
  if (now === 'leave') {
    if (before === 'ban') return 'unbanned';
    if (self || before === 'invite' || before === 'knock') return 'left';
    return 'removed';
  }
  return 'other';
}
