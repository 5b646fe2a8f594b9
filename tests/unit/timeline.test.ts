/**
 * The timeline view model on recorded Synapse responses (tests/fixtures/recorded) and on
 * small hand-made events for the edge cases, and the partial that presents it.
 */
import * as cheerio from 'cheerio';
import { Eta } from 'eta';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseEvents, type MatrixEvent } from '../../src/matrix/events.js';
import { buildTimeline, type EventView, type SentencePart, type TimelineInput, type TimelineView } from '../../src/view/timeline.js';
import { eventAnchor } from '../../src/view/urls.js';

const ROOM_ID = '!ajOyLYWXkqDvUvFsHM:localhost';
const ROOM_REF = '#lobby:localhost';

// Labelled events of the lobby fixture (frozen: copied from the seed manifest at recording time).
const IDS = {
  text: '$xXSaihTodgLVClY1EzKJjjcD21lzc93fcA5M70QR-2g',
  formatted: '$HfIaGZ1ZOxAE8pCRiTtevfn7zRPk2R8_TAaJTqCrZ1U',
  hostileHtml: '$EONBEvL92NFcYmPPQcEyGEdhASQoJYrtrxFNDQjN_R4',
  notice: '$IHJ3IwJn2fdS4',
  image: '$_yJlySPgo4RQrssWv_L98hLZPIju93qPPZ6v1E-HUuU',
  video: '$0g_Tld2kjlj6uAjvo5ag55a-9c16jWKU0o7gcfu2EwM',
  reply: '$wiYwjSqzq6qOJdPsRKooWasU5bCja2nwtu0JULXmFls',
  editOriginal: '$UtNZSEMxurS2gHzo_cd2cZGn4yzSXZqT3CaXa_Fv5f0',
  redacted: '$OjJvqPxEHVIMRBInOJHe8ZLCMWT86gqUZnLJgVC4Dgs',
  threadRoot: '$p0D0OJgMvMfVa4c_4wp3Lzt7Oee676hDNLESWuXQdvU',
  threadReply1: '$MU99HgoO28J4iVrafTP5pZ4N5IUKGxqZqOsuLMPXqf8',
  powerLevels: '$jRBHLAk0nxZEQCDMFbsw5NosLA8Ty8X4_VSr4t7a5z8',
} as const;

function recorded(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/recorded/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** A `/messages?dir=b` page: its chunk made chronological, and its lazy-loaded members. */
function messagesPage(name: string): { events: MatrixEvent[]; members: MatrixEvent[] } {
  const page = recorded(name);
  return { events: parseEvents(page['chunk']).reverse(), members: parseEvents(page['state']) };
}

function lobbyTimeline(extra: Partial<TimelineInput> = {}): TimelineView {
  const { events, members } = messagesPage('lobby-messages');
  return buildTimeline({ roomId: ROOM_ID, roomRef: ROOM_REF, events, related: [], members, mode: 'main', ...extra });
}

function eventsOf(view: TimelineView): EventView[] {
  return view.items.flatMap((item) => (item.kind === 'event' ? [item.event] : item.kind === 'fold' ? item.fold.events : []));
}

/** Finds an event by its ID or a prefix of it. */
function find(view: TimelineView, idOrPrefix: string): EventView {
  const found = eventsOf(view).find((event) => event.id === idOrPrefix || event.id.startsWith(idOrPrefix));
  if (!found) throw new Error(`no visible event ${idOrPrefix}`);
  return found;
}

function sentenceText(parts: SentencePart[]): string {
  return parts.map((part) => ('name' in part ? part.name : 'code' in part ? part.code : part.text)).join('');
}

let counter = 0;
const BASE_TS = Date.UTC(2026, 10, 29, 14, 5);

/** A hand-made event; `event_id` and `origin_server_ts` are filled in increasing order. */
function ev(partial: Partial<MatrixEvent> & { type: string }): MatrixEvent {
  counter++;
  return {
    event_id: `$hand${counter}`,
    sender: '@alice:example.org',
    origin_server_ts: BASE_TS + counter * 1000,
    content: {},
    ...partial,
  };
}

function member(userId: string, content: Record<string, unknown>, extra: Partial<MatrixEvent> = {}): MatrixEvent {
  return ev({ type: 'm.room.member', state_key: userId, sender: userId, content, ...extra });
}

function build(events: MatrixEvent[], extra: Partial<TimelineInput> = {}): TimelineView {
  return buildTimeline({ roomId: '!room:example.org', roomRef: '#room:example.org', events, related: [], members: [], mode: 'main', ...extra });
}

type Message = Extract<EventView, { kind: 'message' }>;

function message(view: TimelineView, id: string): Message {
  const event = find(view, id);
  if (event.kind !== 'message') throw new Error(`${id} is a ${event.kind}`);
  return event;
}

describe('the lobby page, as the main timeline', () => {
  const view = lobbyTimeline();
  const events = eventsOf(view);

  it('keeps chronological order and counts the visible events', () => {
    expect(view.count).toBe(events.length);
    const times = events.map((event) => event.ts);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('starts each UTC day with a separator linking to the day page', () => {
    expect(view.items[0]).toEqual({
      kind: 'day',
      day: '2026-11-29',
      label: 'Sunday 29 November 2026',
      href: '/room/lobby:localhost/date/2026/11/29',
    });
    expect(view.items.filter((item) => item.kind === 'day')).toHaveLength(1);
  });

  it('gives every event its anchor, permalink, day link and UTC time', () => {
    const text = find(view, IDS.text);
    expect(text.anchor).toBe(eventAnchor('$xXSaihTodgLVClY1EzKJjjcD21lzc93fcA5M70QR-2g'));
    expect(text.permalink).toBe(`/room/lobby:localhost/event/%24xXSaihTodgLVClY1EzKJjjcD21lzc93fcA5M70QR-2g#${text.anchor}`);
    expect(text.dayHref).toBe('/room/lobby:localhost/date/2026/11/29');
    expect(text.isoTime).toBe('2026-11-29T05:33:42.829Z');
    expect(text.time).toBe('05:33 UTC');
    expect(text.highlighted).toBe(false);
  });

  it('hides reactions, redactions, edits and thread replies', () => {
    const types = new Set(events.map((event) => event.type));
    expect(types.has('m.reaction')).toBe(false);
    expect(types.has('m.room.redaction')).toBe(false);
    expect(events.some((event) => event.id.startsWith('$2MwN') || event.id.startsWith('$ypTz'))).toBe(false);
    expect(events.some((event) => event.id === IDS.threadReply1)).toBe(false);
    expect(events).toHaveLength(41);
  });

  it('renders plain bodies escaped and linked, formatted ones sanitised', () => {
    const text = message(view, IDS.text);
    expect(text.body).toMatchObject({ type: 'text' });
    const html = (text.body as { html: string }).html;
    expect(html).toContain('Third line &amp; &lt;angle brackets&gt;.');
    expect(html).toContain('<a href="https://spec.matrix.org/latest/" rel="nofollow ugc noopener">');
    expect(html).toContain('<br>');
    const hostile = (message(view, IDS.hostileHtml).body as { html: string }).html;
    expect(hostile).not.toMatch(/<script|onerror|javascript:|<iframe|evil\.example/i);
    expect((message(view, IDS.formatted).body as { html: string }).html).toContain('<strong>Bold</strong>');
  });

  it('tells notices and emotes apart from text', () => {
    expect(message(view, '$IHJ3IwJn2fdS4').body.type).toBe('notice');
    expect(message(view, '$BpRb6dHwfpMSA').body).toMatchObject({ type: 'emote', html: 'waves at everyone' });
  });

  it('shows the latest valid edit, marked edited', () => {
    const edited = message(view, IDS.editOriginal);
    expect(edited.edited).toBe(true);
    expect(edited.body).toMatchObject({ type: 'text', html: 'Hello world, all typos fixed' });
    expect(message(view, IDS.text).edited).toBe(false);
  });

  it('shows a redacted message as a placeholder with its reason', () => {
    const redacted = find(view, IDS.redacted);
    expect(redacted).toMatchObject({ kind: 'redacted', bySender: true, by: null, reason: 'Posted by mistake', state: false });
  });

  it('quotes the replied-to message and strips the fallback', () => {
    const reply = message(view, IDS.reply);
    expect(reply.reply).toEqual({
      found: true,
      href: `/room/lobby:localhost/event/%24xXSaihTodgLVClY1EzKJjjcD21lzc93fcA5M70QR-2g#${find(view, IDS.text).anchor}`,
      senderName: 'Alice Liddell',
      excerpt: 'Hello, lobby! The spec lives at https://spec.matrix.org/latest/ for anyone curious. Third line & <angle brackets>.',
      deleted: false,
    });
    expect((reply.body as { html: string }).html).toBe('Thanks Alice, that is the <b>reply</b>.');
  });

  it('gives the thread root its reply count and thread link', () => {
    expect(find(view, IDS.threadRoot).thread).toEqual({
      count: 3,
      href: '/room/lobby:localhost/thread/%24p0D0OJgMvMfVa4c_4wp3Lzt7Oee676hDNLESWuXQdvU',
      label: '3 replies in thread',
    });
    expect(find(view, IDS.text).thread).toBeNull();
  });

  it('counts reactions per key, most first, with the senders’ names at the time', () => {
    expect(find(view, IDS.formatted).reactions).toEqual([
      { key: '👍', count: 3, senders: ['Alice Liddell', 'Carol Danvers', 'Dave Lister'], title: 'Alice Liddell, Carol Danvers, Dave Lister' },
      { key: '🎉', count: 1, senders: ['Dave Lister'], title: 'Dave Lister' },
    ]);
    expect(find(view, IDS.text).reactions).toEqual([{ key: '❤️', count: 1, senders: ['Bob Builder'], title: 'Bob Builder' }]);
  });

  it('shows an image as a thumbnail fitted to 320x240, linked to the file, with size and dimensions', () => {
    expect(message(view, IDS.image).body).toEqual({
      type: 'image',
      label: 'Image',
      image: { src: '/media/thumbnail/localhost/vdPrNrThlJrXGtVRHMVCaufO?width=64&height=48&method=scale', width: 64, height: 48 },
      alt: 'sunset.png',
      href: '/media/download/localhost/xczWekUOwLyGAAMUWNsNWzWu/sunset.png',
      name: 'sunset.png',
      size: '668 B',
      dimensions: '64 × 48',
      caption: null,
    });
  });

  it('shows files, audio and video as download links with size and duration', () => {
    expect(message(view, '$FyDZsVlm6tS-J').body).toMatchObject({ type: 'file', name: 'notes.txt', size: '67 B', duration: null });
    expect(message(view, '$-AUYUWSutBZtI').body).toMatchObject({
      type: 'audio',
      href: '/media/download/localhost/dxhNuroFECctgrtoWkVWGrvH/tone.wav',
      size: '7.9 KB',
      duration: '0:01',
    });
    expect(message(view, IDS.video).body).toMatchObject({ type: 'video', size: '2.0 KB', duration: '0:02' });
  });

  it('links a location to its geo URI and to OpenStreetMap', () => {
    expect(message(view, '$Volr5gTISje-G').body).toEqual({
      type: 'location',
      description: 'Big Ben, London',
      geoUri: 'geo:51.5007,-0.1246',
      mapHref: 'https://www.openstreetmap.org/?mlat=51.5007&mlon=-0.1246#map=16/51.5007/-0.1246',
    });
  });

  it('shows a sticker as an image', () => {
    expect(message(view, '$9Ov8P1Y6tcC6x').body).toMatchObject({ type: 'sticker', alt: 'A green square sticker', image: { width: 48, height: 48 } });
  });

  it('turns an invalid url into an invalid attachment, encrypted and unknown events into neutral lines', () => {
    expect(message(view, '$8ece_shVTLxOQ').body).toEqual({ type: 'invalid', what: 'image', name: 'broken.png' });
    expect(find(view, '$MOy2dK3dC8PRb').kind).toBe('encrypted');
    expect(find(view, '$p4nqCtW4xpJmm')).toMatchObject({ kind: 'unknown', type: 'org.example.unknown' });
  });

  it('names senders as they were at each event', () => {
    // Dave was kicked (the state after the page has no name), yet his earlier messages say "Dave Lister".
    expect(find(view, IDS.video).sender).toMatchObject({ userId: '@dave:localhost', name: 'Dave Lister', letter: 'D', avatar: null });
    // Bob set an avatar late in the page: his earlier messages have none, his later state has one.
    expect(find(view, IDS.formatted).sender.avatar).toBeNull();
    expect(find(view, '$_iRTJ2aRfC3PV').sender.avatar).toBe('/media/thumbnail/localhost/JKWsHEwdBshfhJnFJhZQUEsm?width=32&height=32&method=crop');
    // Eve: "Eve Moneypenny" until she renamed herself "Eve the Eavesdropper".
    expect(find(view, '$vQS-KZeLN6cl9').sender.name).toBe('Eve Moneypenny');
    const rename = find(view, '$gCxCWnHmXcHfz');
    expect(rename.sender.name).toBe('Eve the Eavesdropper');
    expect(rename.kind === 'state' && sentenceText(rename.sentence)).toBe('Eve Moneypenny changed their name to Eve the Eavesdropper');
  });

  it('tells membership changes as sentences', () => {
    const sentence = (prefix: string): string => {
      const event = find(view, prefix);
      return event.kind === 'state' ? sentenceText(event.sentence) : `(${event.kind})`;
    };
    expect(sentence('$EoCjBFUcpyLu_')).toBe('Alice Liddell joined the room');
    expect(sentence('$AM6zUK74pxlBZ')).toBe('Seed Admin invited Eve Moneypenny');
    expect(sentence('$7aB9Fn4E73EJP')).toBe('Dave Lister left the room');
    expect(sentence('$hLyhPKhlm_Iy9')).toBe('Seed Admin kicked Dave Lister: Kicked to test kicks');
    expect(sentence('$tn5gwVYnY9xaQ')).toBe('Seed Admin banned Eve the Eavesdropper: Banned to test bans');
    expect(sentence('$Hee9jCmrH_zuF')).toBe('Seed Admin unbanned Eve the Eavesdropper');
    expect(sentence('$_iRTJ2aRfC3PV')).toBe('Bob Builder set an avatar');
    expect(sentence(IDS.powerLevels)).toBe('Seed Admin changed the power level of Alice Liddell from 0 to 50, and changed other power levels');
    expect(sentence('$zXIBnnQvk3-OZ')).toBe('Seed Admin changed the room name to “Lobby”');
    expect(sentence('$ei4vCHjLsD7DQ')).toBe('Seed Admin changed the room avatar');
    expect(sentence('$YOvJywWo_yCVg')).toBe('Seed Admin made the history of the room readable by anyone');
  });

  it('highlights the permalinked event', () => {
    const highlighted = eventsOf(lobbyTimeline({ highlight: IDS.reply })).filter((event) => event.highlighted);
    expect(highlighted.map((event) => event.id)).toEqual([IDS.reply]);
  });
});

describe('threads', () => {
  const lobby = messagesPage('lobby-messages');
  const root = lobby.events.find((event) => event.event_id === IDS.threadRoot)!;
  const replies = parseEvents(recorded('lobby-thread')['chunk']).reverse();

  it('shows thread replies in thread mode, without their fallback quote', () => {
    const view = buildTimeline({ roomId: ROOM_ID, roomRef: ROOM_REF, events: [root, ...replies], related: [], members: lobby.members, mode: 'thread' });
    expect(eventsOf(view).map((event) => event.id)).toEqual([IDS.threadRoot, ...replies.map((event) => event.event_id)]);
    const first = message(view, IDS.threadReply1);
    expect(first.reply).toBeNull();
    expect(first.body).toMatchObject({ type: 'text', html: 'Vim, obviously.' });
    expect(first.sender.name).toBe('Bob Builder');
  });

  it('hides them in main mode', () => {
    const view = buildTimeline({ roomId: ROOM_ID, roomRef: ROOM_REF, events: [root, ...replies], related: [], members: lobby.members, mode: 'main' });
    expect(eventsOf(view).map((event) => event.id)).toEqual([IDS.threadRoot]);
  });

  it('counts known thread replies when the count is not bundled', () => {
    const bare = { ...root, unsigned: {} };
    const view = build([bare], { related: replies.slice(0, 2) });
    expect(eventsOf(view)[0]!.thread?.count).toBe(2);
  });
});

describe('pages that need related events', () => {
  const lobby = messagesPage('lobby-messages');
  const replyEvent = lobby.events.find((event) => event.event_id === IDS.reply)!;
  const target = lobby.events.find((event) => event.event_id === IDS.text)!;

  it('quotes a reply target found among related events', () => {
    const view = buildTimeline({ roomId: ROOM_ID, roomRef: ROOM_REF, events: [replyEvent], related: [target], members: lobby.members, mode: 'main' });
    expect(message(view, IDS.reply).reply).toMatchObject({ found: true, senderName: 'Alice Liddell' });
  });

  it('links to "an earlier message" when the target is unknown', () => {
    const view = buildTimeline({ roomId: ROOM_ID, roomRef: ROOM_REF, events: [replyEvent], related: [], members: lobby.members, mode: 'main' });
    expect(message(view, IDS.reply).reply).toEqual({ found: false, href: eventLinkOf(IDS.text) });
  });

  it('says the quoted message was deleted when the target is redacted', () => {
    const redactedTarget = { ...target, content: {}, unsigned: { redacted_because: { event_id: '$r', type: 'm.room.redaction', sender: '@alice:localhost', origin_server_ts: 1, content: {} } } };
    const view = buildTimeline({ roomId: ROOM_ID, roomRef: ROOM_REF, events: [redactedTarget, replyEvent], related: [], members: lobby.members, mode: 'main' });
    expect(message(view, IDS.reply).reply).toMatchObject({ found: true, deleted: true, excerpt: '' });
  });

  it('applies edits and reactions found among related events, once each', () => {
    const all = lobby.events;
    const original = all.find((event) => event.event_id === IDS.editOriginal)!;
    const bare = { ...original, unsigned: {} };
    const edits = all.filter((event) => event.content['m.relates_to'] !== undefined && JSON.stringify(event.content).includes(IDS.editOriginal));
    const view = build([bare], { related: [...edits, ...edits] });
    expect(message(view, IDS.editOriginal).body).toMatchObject({ html: 'Hello world, all typos fixed' });
    const formatted = all.find((event) => event.event_id === IDS.formatted)!;
    const reactions = all.filter((event) => event.type === 'm.reaction');
    const withReactions = build([formatted, ...reactions], { related: reactions });
    expect(eventsOf(withReactions)[0]!.reactions.map((r) => r.count)).toEqual([3, 1]);
  });
});

function eventLinkOf(id: string): string {
  return `/room/lobby:localhost/event/${encodeURIComponent(id).replace(/%3A/gi, ':')}#${eventAnchor(id)}`;
}

describe('the timeline partial', () => {
  const eta = new Eta({ views: new URL('../../templates', import.meta.url).pathname, autoEscape: true, autoTrim: [false, 'nl'] });
  const view = lobbyTimeline({ highlight: IDS.reply });
  const html = eta.render('./partials/timeline', { timeline: view });
  const $ = cheerio.load(html);
  const block = (id: string) => $(`li[id="${find(view, id).anchor}"]`);

  it('has no script, no inline handlers, and only our own images', () => {
    expect(html).not.toMatch(/<script|\son[a-z]+=|javascript:/i);
    $('img').each((_, img) => expect($(img).attr('src')).toMatch(/^\/media\//));
  });

  it('renders one block per visible event, each with its anchor, and day headings linked to the day', () => {
    expect($('ol.timeline li.event:not(.ev-fold)')).toHaveLength(view.count);
    $('ol.timeline li.event:not(.ev-fold)').each((_, li) => expect($(li).attr('id')).toMatch(/^e-/));
    expect($('li.day h2 a').attr('href')).toBe('/room/lobby:localhost/date/2026/11/29');
    expect($('li.day h2').text()).toBe('Sunday 29 November 2026');
  });

  it('puts sender, then time, then body', () => {
    const text = block(IDS.text).text().replace(/\s+/g, ' ').trim();
    expect(text.indexOf('Alice Liddell')).toBeLessThan(text.indexOf('05:33 UTC'));
    expect(text.indexOf('05:33 UTC')).toBeLessThan(text.indexOf('Hello, lobby!'));
    const time = block(IDS.text).find('a.time');
    expect(time.attr('href')).toBe(find(view, IDS.text).permalink);
    expect(time.find('time').attr('datetime')).toBe('2026-11-29T05:33:42.829Z');
    expect(block(IDS.text).find('a.day-link').attr('href')).toBe('/room/lobby:localhost/date/2026/11/29');
  });

  it('shows senders’ names at the time', () => {
    expect(block(IDS.video).find('.sender').text()).toBe('Dave Lister');
    expect(block('$vQS-KZeLN6cl9').text()).toContain('Eve Moneypenny joined the room');
    expect(block('$gCxCWnHmXcHfz').text()).toContain('Eve Moneypenny changed their name to Eve the Eavesdropper');
  });

  it('shows the edited text with its mark, the reactions, the thread link and the redaction placeholder', () => {
    expect(block(IDS.editOriginal).find('.body').text()).toBe('Hello world, all typos fixed');
    expect(block(IDS.editOriginal).find('.edited').text()).toBe('(edited)');
    const reactions = block(IDS.formatted).find('.reaction');
    expect(reactions.map((_, r) => $(r).text()).get()).toEqual(['👍\u00a03', '🎉\u00a01']);
    expect(reactions.first().attr('title')).toBe('Alice Liddell, Carol Danvers, Dave Lister');
    expect(block(IDS.threadRoot).find('a.thread').text()).toBe('3 replies in thread');
    expect(block(IDS.threadRoot).find('a.thread').attr('href')).toBe('/room/lobby:localhost/thread/%24p0D0OJgMvMfVa4c_4wp3Lzt7Oee676hDNLESWuXQdvU');
    expect(block(IDS.redacted).find('.deleted').text()).toBe('Message deleted by its sender (Posted by mistake)');
  });

  it('shows the image thumbnail with width, height and alt, linked to the file', () => {
    const img = block(IDS.image).find('img').not('.avatar');
    expect(img.attr('width')).toBe('64');
    expect(img.attr('height')).toBe('48');
    expect(img.attr('alt')).toBe('sunset.png');
    expect(img.parent('a').attr('href')).toBe('/media/download/localhost/xczWekUOwLyGAAMUWNsNWzWu/sunset.png');
    expect(block(IDS.image).find('.file-meta').text()).toBe('Image: sunset.png, 64 × 48, 668 B');
  });

  it('quotes replies, and marks the highlighted event', () => {
    const reply = block(IDS.reply);
    expect(reply.hasClass('highlighted')).toBe(true);
    expect(reply.attr('aria-current')).toBe('true');
    expect($('[aria-current]')).toHaveLength(1);
    expect(reply.find('blockquote.reply a').attr('href')).toBe(find(view, IDS.text).permalink);
    expect(reply.find('blockquote.reply').text()).toMatch(/^In reply to Alice Liddell: Hello, lobby!/);
  });

  it('escapes hostile names and sentences', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const events = [
      member('@mallory:example.org', { membership: 'join', displayname: hostile }),
      ev({ type: 'm.room.message', sender: '@mallory:example.org', content: { msgtype: 'm.emote', body: 'waves' } }),
      ev({ type: 'm.room.topic', state_key: '', sender: '@mallory:example.org', content: { topic: '"><script>alert(1)</script>' } }),
    ];
    const rendered = eta.render('./partials/timeline', { timeline: build(events, { members: [events[0]!] }) });
    expect(rendered).not.toMatch(/<script|<img src=x/);
    expect(cheerio.load(rendered)('.emote').text()).toBe(`* ${hostile} waves`);
  });
});

describe('other recorded rooms', () => {
  const eta = new Eta({ views: new URL('../../templates', import.meta.url).pathname, autoEscape: true, autoTrim: [false, 'nl'] });

  it('tells widget changes as sentences with safe links, and escapes hostile widget names', () => {
    const { events, members } = messagesPage('widgets-messages');
    const view = buildTimeline({ roomId: '!w:localhost', roomRef: '!w:localhost', events, related: [], members, mode: 'main' });
    const sentences = eventsOf(view).flatMap((event) => (event.kind === 'state' ? [sentenceText(event.sentence)] : []));
    expect(sentences).toContain('Seed Admin added the widget Jitsi Meet (Jitsi video call)');
    expect(sentences).toContain('Seed Admin removed the widget Temporary widget (Custom widget)');
    expect(eventsOf(view).some((event) => event.type === 'io.element.widgets.layout')).toBe(false);
    const html = eta.render('./partials/timeline', { timeline: view });
    expect(html).not.toMatch(/<script|onerror=/i);
    const $ = cheerio.load(html);
    expect($('a[href="https://meet.element.io/SeedCall"]').attr('rel')).toBe('nofollow noopener');
  });

  it('renders a page of plain messages', () => {
    const { events, members } = messagesPage('pagination-messages-page');
    const view = buildTimeline({ roomId: '!p:localhost', roomRef: '#pagination:localhost', events, related: [], members, mode: 'main' });
    expect(view.count).toBe(events.length);
    expect(eventsOf(view).every((event) => event.kind === 'message' && event.sender.name !== '')).toBe(true);
  });
});
