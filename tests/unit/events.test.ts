/**
 * The timeline's rules on small hand-made events: invalid edits, malformed content, state
 * sentences, profiles across changes, reactions, days, and the formatting helpers.
 */
import { describe, expect, it } from 'vitest';
import type { MatrixEvent } from '../../src/matrix/events.js';
import { avatarLetter, cleanName, dayLabel, humanDuration, humanSize, timeLabel } from '../../src/view/events/format.js';
import { utcDay } from '../../src/utc-day.js';
import { fitThumbnail, parseGeoUri } from '../../src/view/events/media.js';
import { buildTimeline, type EventView, type SentencePart, type TimelineInput, type TimelineView } from '../../src/view/timeline.js';

const ALICE = '@alice:example.org';
const BOB = '@bob:example.org';
const ROOM = '#room:example.org';
let counter = 0;
const BASE_TS = Date.UTC(2026, 10, 29, 14, 5);

function ev(partial: Partial<MatrixEvent> & { type: string }): MatrixEvent {
  counter++;
  return { event_id: `$hand${counter}`, sender: ALICE, origin_server_ts: BASE_TS + counter * 1000, content: {}, ...partial };
}

function state(type: string, content: Record<string, unknown>, extra: Partial<MatrixEvent> = {}): MatrixEvent {
  return ev({ type, state_key: '', content, ...extra });
}

function member(userId: string, content: Record<string, unknown>, extra: Partial<MatrixEvent> = {}): MatrixEvent {
  return ev({ type: 'm.room.member', state_key: userId, sender: userId, content, ...extra });
}

function text(body: string, extra: Partial<MatrixEvent> = {}): MatrixEvent {
  return ev({ type: 'm.room.message', content: { msgtype: 'm.text', body }, ...extra });
}

function edit(original: MatrixEvent, body: string, extra: Partial<MatrixEvent> = {}, newContent: unknown = { msgtype: 'm.text', body }): MatrixEvent {
  return ev({
    type: 'm.room.message',
    sender: original.sender,
    content: { msgtype: 'm.text', body: `* ${body}`, 'm.new_content': newContent, 'm.relates_to': { rel_type: 'm.replace', event_id: original.event_id } },
    ...extra,
  });
}

function build(events: MatrixEvent[], extra: Partial<TimelineInput> = {}): TimelineView {
  return buildTimeline({ roomId: '!room:example.org', roomRef: ROOM, events, related: [], members: [], mode: 'main', ...extra });
}

function views(events: MatrixEvent[], extra: Partial<TimelineInput> = {}): EventView[] {
  return build(events, extra).items.flatMap((item) => (item.kind === 'event' ? [item.event] : item.kind === 'fold' ? item.fold.events : []));
}

function only(events: MatrixEvent[], extra: Partial<TimelineInput> = {}): EventView {
  const list = views(events, extra);
  expect(list).toHaveLength(1);
  return list[0]!;
}

function words(parts: SentencePart[]): string {
  return parts.map((part) => ('name' in part ? part.name : 'code' in part ? part.code : part.text)).join('');
}

function sentence(event: MatrixEvent, extra: Partial<TimelineInput> = {}): string {
  const view = views([event], extra).find((v) => v.id === event.event_id);
  if (view?.kind !== 'state') throw new Error(`not a state view: ${view?.kind}`);
  return words(view.sentence);
}

function html(view: EventView): string | null {
  return view.kind === 'message' && 'html' in view.body ? view.body.html : null;
}

describe('edits', () => {
  it('takes the latest valid edit by time, whatever the order of the events', () => {
    const original = text('first');
    const late = edit(original, 'third', { origin_server_ts: original.origin_server_ts + 50_000 });
    const early = edit(original, 'second', { origin_server_ts: original.origin_server_ts + 10_000 });
    const view = only([original, late, early]);
    expect(html(view)).toBe('third');
    expect(view.kind === 'message' && view.edited).toBe(true);
  });

  it('ignores an edit by another sender', () => {
    const original = text('mine');
    expect(html(only([original, edit(original, 'hijacked', { sender: BOB })]))).toBe('mine');
  });

  it('ignores an edit of another type, without m.new_content, or with a non-object m.new_content', () => {
    const original = text('kept');
    const otherType = edit(original, 'sticker?', { type: 'm.sticker' });
    const noNew = edit(original, 'x');
    delete noNew.content['m.new_content'];
    const stringNew = edit(original, 'x', {}, 'not an object');
    const view = only([original, otherType, noNew, stringNew]);
    expect(html(view)).toBe('kept');
    expect(view.kind === 'message' && view.edited).toBe(false);
  });

  it('ignores an edit of a state event, and an edit that is itself a state event', () => {
    const topic = state('m.room.topic', { topic: 'Real topic' });
    const fake = edit(topic, 'Fake topic');
    expect(views([topic, fake]).map((v) => v.kind)).toEqual(['state']);
    expect(sentence(topic)).toContain('Real topic');
    const original = text('plain');
    const stateEdit = { ...edit(original, 'from state'), state_key: '' };
    expect(html(views([original, stateEdit])[0]!)).toBe('plain');
  });

  it('ignores an edit of an edit', () => {
    const original = text('one');
    const first = edit(original, 'two');
    const ofEdit = edit(first, 'three');
    expect(html(only([original, first, ofEdit]))).toBe('two');
  });

  it('uses the edit bundled by the server', () => {
    const original = text('old');
    const bundled = edit(original, 'new');
    const withBundle = { ...original, unsigned: { 'm.relations': { 'm.replace': bundled } } };
    expect(html(only([withBundle]))).toBe('new');
  });

  it('keeps the reply of the original and shows the new content of an edited reply', () => {
    const target = text('question');
    const reply = text('answr', { content: { msgtype: 'm.text', body: 'answr', 'm.relates_to': { 'm.in_reply_to': { event_id: target.event_id } } } });
    const view = views([target, reply, edit(reply, 'answer')])[1]!;
    expect(view.kind === 'message' && view.reply).toMatchObject({ found: true, excerpt: 'question' });
    expect(html(view)).toBe('answer');
  });
});

describe('redactions', () => {
  it('names the redacting user when it is not the sender, and hides the redaction', () => {
    const message = text('oops', { sender: BOB });
    const redaction = ev({ type: 'm.room.redaction', sender: ALICE, redacts: message.event_id, content: { reason: 'spam' } });
    const redacted = { ...message, content: {} };
    const members = [member(ALICE, { membership: 'join', displayname: 'Alice' })];
    expect(only([redacted, redaction], { members })).toMatchObject({ kind: 'redacted', by: 'Alice', bySender: false, reason: 'spam' });
  });

  it('recognises redacted_because without a known redaction event', () => {
    const message = { ...text('x'), content: {}, unsigned: { redacted_because: { sender: ALICE, content: {}, event_id: '$r', origin_server_ts: 5, type: 'm.room.redaction' } } };
    expect(only([message])).toMatchObject({ kind: 'redacted', bySender: true, reason: null });
  });

  it('does not count a redacted reaction', () => {
    const message = text('hi');
    const reaction = ev({ type: 'm.reaction', sender: BOB, content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: message.event_id, key: '👍' } } });
    const redaction = ev({ type: 'm.room.redaction', sender: BOB, redacts: reaction.event_id, content: {} });
    expect(only([message, reaction, redaction]).reactions).toEqual([]);
  });
});

describe('reactions', () => {
  it('deduplicates a sender’s same key, cleans keys and caps their length', () => {
    const message = text('hi');
    const react = (sender: string, key: unknown) =>
      ev({ type: 'm.reaction', sender, content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: message.event_id, key } } });
    const long = 'x'.repeat(100);
    const reactions = only([message, react(ALICE, '👍'), react(ALICE, '👍'), react(BOB, 'ok\u202e'), react(BOB, long), react(BOB, 7), react(ALICE, 'ok')]).reactions;
    expect(reactions[0]).toEqual({ key: 'ok', count: 2, senders: [BOB, ALICE], title: `${BOB}, ${ALICE}` });
    expect(reactions[1]).toMatchObject({ key: '👍', count: 1 });
    expect(Array.from(reactions[2]!.key)).toHaveLength(40);
    expect(reactions).toHaveLength(3);
  });
});

describe('malformed and unknown events', () => {
  it('never throws and shows something neutral', () => {
    const weird: MatrixEvent[] = [
      ev({ type: 'm.room.message', content: { msgtype: 'm.text', body: 42 } }),
      ev({ type: 'm.room.message', content: { body: 'no msgtype' } }),
      ev({ type: 'm.room.message', content: { msgtype: 'm.text', body: 'x', 'm.relates_to': 'nonsense' } }),
      ev({ type: 'm.room.message', content: { msgtype: 'm.text', body: 'x', 'm.relates_to': { 'm.in_reply_to': 5 } } }),
      ev({ type: 'm.room.message', content: { msgtype: 'm.file', body: 'f', url: 'https://evil.example/x' } }),
      ev({ type: 'm.room.message', content: { msgtype: 'm.video', url: ['mxc://a/b'] } }),
      ev({ type: 'm.room.message', content: { msgtype: 'm.image', url: 'mxc://a/b', info: 'nope' } }),
      ev({ type: 'm.room.message', content: { msgtype: 'm.location', body: 'Nowhere', geo_uri: 'javascript:alert(1)' } }),
      ev({ type: 'm.sticker', content: { url: 12345 } }),
      ev({ type: 'm.room.member', state_key: BOB, content: { membership: 7, displayname: ['x'] }, unsigned: { prev_content: 'x' } }),
      ev({ type: 'm.room.power_levels', state_key: '', content: { users: 'x' }, unsigned: { prev_content: { users: { [BOB]: 'high' } } } }),
      ev({ type: 'm.room.name', state_key: '', content: { name: { toString: 1 } } }),
      ev({ type: 'org.example.state', state_key: 'k', content: {} }),
      ev({ type: 'org.example.thing', content: { body: 'hidden' } }),
      ev({ type: 'm.room.message', origin_server_ts: 1e20, content: { msgtype: 'm.text', body: 'far future' } }),
    ];
    const list = views(weird);
    // The two unknown events in a row are one line.
    expect(list).toHaveLength(weird.length - 1);
    expect(list[0]).toMatchObject({ kind: 'message', body: { type: 'unknown', html: null } });
    expect(list[1]).toMatchObject({ kind: 'message', body: { type: 'unknown', msgtype: null } });
    expect(html(list[2]!)).toBe('x');
    expect(list[3]).toMatchObject({ kind: 'message', reply: null });
    expect(list[4]).toMatchObject({ body: { type: 'invalid', what: 'file' } });
    expect(list[5]).toMatchObject({ body: { type: 'invalid', what: 'video' } });
    // No size in info: a cropped thumbnail of exactly the box, so width and height are known.
    expect(list[6]).toMatchObject({ body: { type: 'image', image: { src: '/media/thumbnail/a/b?width=320&height=240&method=crop', width: 320, height: 240 }, size: null } });
    expect(list[7]).toMatchObject({ body: { type: 'location', geoUri: null, mapHref: null } });
    expect(list[8]).toMatchObject({ body: { type: 'invalid', what: 'sticker' } });
    expect(list[12]).toMatchObject({ kind: 'unknown', count: 2, description: 'sent 2 events of kinds this viewer cannot show (org.example.state, org.example.thing)' });
    expect(list[13]!.isoTime).toBe('1970-01-01T00:00:00.000Z');
  });

  it('shows the body of an unknown msgtype as plain text', () => {
    expect(only([ev({ type: 'm.room.message', content: { msgtype: 'org.example.poll', body: 'Vote <now>' } })])).toMatchObject({
      kind: 'message',
      body: { type: 'unknown', msgtype: 'org.example.poll', html: 'Vote &lt;now&gt;' },
    });
  });

  it('shows a caption when body and filename differ, and uses the thumbnail when there is one', () => {
    const view = only([ev({ type: 'm.room.message', content: { msgtype: 'm.image', body: 'Look!', filename: 'a.png', url: 'mxc://s/full', info: { w: 1000, h: 500, size: 1_500_000, thumbnail_url: 'mxc://s/thumb' } } })]);
    expect(view).toMatchObject({
      body: { type: 'image', name: 'a.png', alt: 'Look!', caption: 'Look!', size: '1.4 MB', dimensions: '1000 × 500', image: { src: '/media/thumbnail/s/thumb?width=320&height=160&method=scale', width: 320, height: 160 }, href: '/media/download/s/full/a.png' },
    });
  });
});

describe('state sentences', () => {
  const names = [member(ALICE, { membership: 'join', displayname: 'Alice' }), member(BOB, { membership: 'join', displayname: 'Bob' })];
  const withNames = { members: names };

  it('power levels: each user’s change, or a generic line', () => {
    const pl = state('m.room.power_levels', { users: { [ALICE]: 100, [BOB]: 50 }, users_default: 0 }, { unsigned: { prev_content: { users: { [ALICE]: 100 } } } });
    expect(sentence(pl, withNames)).toBe('Alice changed the power level of Bob from 0 to 50');
    const demote = state('m.room.power_levels', { users: { [ALICE]: 100 } }, { unsigned: { prev_content: { users: { [ALICE]: 100, [BOB]: 50 } } } });
    expect(sentence(demote, withNames)).toBe('Alice changed the power level of Bob from 50 to 0');
    const other = state('m.room.power_levels', { users: { [ALICE]: 100 }, ban: 100 }, { unsigned: { prev_content: { users: { [ALICE]: 100 }, ban: 50 } } });
    expect(sentence(other, withNames)).toBe('Alice changed the power levels of the room');
  });

  it('tombstone: links to the new room', () => {
    const tomb = state('m.room.tombstone', { replacement_room: '!new:example.org', body: 'Moved' });
    const view = only([tomb]);
    expect(view.kind === 'state' && view.sentence).toEqual([
      { text: 'This room has been replaced' },
      { text: ': ' },
      { link: '/room/!new:example.org', text: 'go to the new room', external: false },
      { text: ' (“Moved”)' },
    ]);
    const bad = only([state('m.room.tombstone', { replacement_room: 'javascript:x' })]);
    expect(bad.kind === 'state' && bad.sentence.some((part) => 'link' in part)).toBe(false);
  });

  it('creation, aliases, encryption, rules, topics, avatars, space children', () => {
    expect(sentence(state('m.room.create', { room_version: '11' }), withNames)).toBe('Alice created the room');
    expect(sentence(state('m.room.create', { predecessor: { room_id: '!old:example.org' } }), withNames)).toBe('Alice created the room, an upgrade of the previous room');
    expect(sentence(state('m.room.canonical_alias', { alias: '#room:example.org' }), withNames)).toBe('Alice set the main address of this room to #room:example.org');
    expect(sentence(state('m.room.canonical_alias', {}, { unsigned: { prev_content: { alias: '#a:b' } } }), withNames)).toBe('Alice removed the main address of this room, #a:b');
    expect(sentence(state('m.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' }), withNames)).toContain('Alice turned on end-to-end encryption');
    expect(sentence(state('m.room.join_rules', { join_rule: 'public' }), withNames)).toBe('Alice made the room public: anyone can join');
    expect(sentence(state('m.room.join_rules', { join_rule: 'weird' }), withNames)).toBe('Alice changed the join rule to “weird”');
    expect(sentence(state('m.room.history_visibility', { history_visibility: 'joined' }), withNames)).toBe('Alice made the history of the room readable by members since they joined');
    expect(sentence(state('m.room.guest_access', { guest_access: 'forbidden' }), withNames)).toBe('Alice prevented guests from joining the room');
    expect(sentence(state('m.room.topic', {}, { unsigned: { prev_content: { topic: 'x' } } }), withNames)).toBe('Alice removed the topic');
    expect(sentence(state('m.room.avatar', {}), withNames)).toBe('Alice removed the room avatar');
    expect(sentence(ev({ type: 'm.space.child', state_key: '!child:example.org', content: { via: ['example.org'] } }), withNames)).toBe('Alice added a room to this space');
    expect(sentence(ev({ type: 'm.space.child', state_key: '!child:example.org', content: {} }), withNames)).toBe('Alice removed a room from this space');
  });

  it('widgets: added with a link and its kind, removed, changed; the layout is hidden', () => {
    const jitsi = { type: 'jitsi', url: 'https://app.element.io/jitsi.html?confId=Abc', name: 'Standup', data: { domain: 'meet.example.org', conferenceId: 'Abc' } };
    const added = only([ev({ type: 'im.vector.modular.widgets', state_key: 'w1', content: jitsi })], withNames);
    expect(added.kind === 'state' && added.sentence).toEqual([
      { name: 'Alice' },
      { text: ' added the widget ' },
      { link: 'https://meet.example.org/Abc', text: 'Standup', external: true },
      { text: ' (Jitsi video call)' },
    ]);
    const removed = ev({ type: 'im.vector.modular.widgets', state_key: 'w1', content: {}, unsigned: { prev_content: jitsi } });
    expect(sentence(removed, withNames)).toBe('Alice removed the widget Standup (Jitsi video call)');
    const changed = ev({ type: 'im.vector.modular.widgets', state_key: 'w1', content: { ...jitsi, name: 'Daily' }, unsigned: { prev_content: jitsi } });
    expect(sentence(changed, withNames)).toBe('Alice changed the widget Daily (Jitsi video call)');
    expect(views([state('io.element.widgets.layout', { widgets: {} })])).toEqual([]);
  });

  it('membership: rejections, withdrawn invitations, joins under a new name, profile changes', () => {
    const reject = member(BOB, { membership: 'leave' }, { unsigned: { prev_content: { membership: 'invite', displayname: 'Bob' } } });
    expect(sentence(reject)).toBe('Bob rejected the invitation');
    const withdraw = member(BOB, { membership: 'leave' }, { sender: ALICE, unsigned: { prev_content: { membership: 'invite', displayname: 'Bob' } } });
    expect(sentence(withdraw, withNames)).toBe('Alice withdrew the invitation of Bob');
    const rejoin = member(BOB, { membership: 'join', displayname: 'Robert' }, { unsigned: { prev_content: { membership: 'invite', displayname: 'Bob' } } });
    expect(sentence(rejoin)).toBe('Robert joined the room (previously known as Bob)');
    const both = member(BOB, { membership: 'join', displayname: 'Robert', avatar_url: 'mxc://s/a' }, { unsigned: { prev_content: { membership: 'join', displayname: 'Bob' } } });
    expect(sentence(both)).toBe('Bob changed their name to Robert and set an avatar');
    const unnamed = member(BOB, { membership: 'join' }, { unsigned: { prev_content: { membership: 'join', displayname: 'Bob' } } });
    expect(sentence(unnamed)).toBe('Bob removed their display name');
    const named = member(BOB, { membership: 'join', displayname: 'Bob' }, { unsigned: { prev_content: { membership: 'join' } } });
    expect(sentence(named)).toBe('@bob:example.org set their name to Bob');
  });
});

describe('senders at the time of each event', () => {
  it('walks member events backwards from the state after the page', () => {
    const before = text('as Bob', { sender: BOB });
    const rename = member(BOB, { membership: 'join', displayname: 'Robert', avatar_url: 'mxc://s/new' }, { unsigned: { prev_content: { membership: 'join', displayname: 'Bob', avatar_url: 'mxc://s/old' } } });
    const after = text('as Robert', { sender: BOB });
    const members = [member(BOB, { membership: 'join', displayname: 'Robert', avatar_url: 'mxc://s/new' })];
    const [a, b, c] = views([before, rename, after], { members });
    expect(a!.sender).toEqual({ userId: BOB, name: 'Bob', avatar: '/media/thumbnail/s/old?width=32&height=32&method=crop', letter: 'B' });
    expect(b!.sender.name).toBe('Robert');
    expect(c!.sender.name).toBe('Robert');
    expect(b!.kind === 'state' && words(b!.sentence)).toBe('Bob changed their name to Robert and changed their avatar');
  });

  it('falls back to the user ID, cleans names, and disambiguates shared names', () => {
    expect(only([text('hi', { sender: BOB })]).sender).toMatchObject({ name: BOB, letter: 'B' });
    const members = [
      member(ALICE, { membership: 'join', displayname: 'Same\u202e\u0000  Name' }),
      member(BOB, { membership: 'join', displayname: 'Same Name' }),
    ];
    const [a, b] = views([text('1'), text('2', { sender: BOB })], { members });
    expect(a!.sender.name).toBe(`Same Name (${ALICE})`);
    expect(b!.sender.name).toBe(`Same Name (${BOB})`);
    const long = only([text('x')], { members: [member(ALICE, { membership: 'join', displayname: 'n'.repeat(500) })] });
    expect(Array.from(long.sender.name)).toHaveLength(100);
  });
});

describe('days and highlighting', () => {
  it('adds a separator for each new UTC day', () => {
    const late = text('late', { origin_server_ts: Date.UTC(2026, 10, 29, 23, 59) });
    const early = text('early', { origin_server_ts: Date.UTC(2026, 10, 30, 0, 1) });
    const view = build([late, early]);
    expect(view.items.map((item) => (item.kind === 'day' ? item.day : item.kind === 'event' ? item.event.time : item.fold.time))).toEqual(['2026-11-29', '23:59 UTC', '2026-11-30', '00:01 UTC']);
    expect(view.count).toBe(2);
  });

  it('shows an event once even if it appears twice', () => {
    const message = text('once');
    expect(build([message, message]).count).toBe(1);
  });
});

describe('format helpers', () => {
  it('formats UTC days, times, sizes and durations', () => {
    const ts = Date.UTC(2026, 10, 29, 14, 5);
    expect(utcDay(ts)).toBe('2026-11-29');
    expect(dayLabel(ts)).toBe('Sunday 29 November 2026');
    expect(timeLabel(ts)).toBe('14:05 UTC');
    expect([humanSize(668), humanSize(12_595), humanSize(5 * 1024 ** 3), humanSize(-1), humanSize('1')]).toEqual(['668 B', '12.3 KB', '5.0 GB', null, null]);
    expect([humanDuration(500), humanDuration(187_000), humanDuration(3_723_000), humanDuration(NaN)]).toEqual(['0:01', '3:07', '1:02:03', null]);
  });

  it('cleans names and finds the avatar letter', () => {
    expect(cleanName('\u202eevil\u0007 name')).toBe('evil name');
    expect(cleanName(5)).toBeNull();
    expect(avatarLetter('@zed:example.org')).toBe('Z');
    expect(avatarLetter('éclair')).toBe('É');
    expect(avatarLetter('!!!')).toBe('?');
  });

  it('checks geo URIs and fits thumbnails', () => {
    expect(parseGeoUri('geo:51.5007,-0.1246;u=35')).toEqual({ lat: '51.5007', lon: '-0.1246' });
    expect(parseGeoUri('geo:91,0')).toBeNull();
    expect(parseGeoUri('geo:abc')).toBeNull();
    expect(fitThumbnail(640, 480)).toEqual({ width: 320, height: 240 });
    expect(fitThumbnail(100, 1000)).toEqual({ width: 24, height: 240 });
    expect(fitThumbnail(null, 10)).toEqual({ width: null, height: null });
  });
});
