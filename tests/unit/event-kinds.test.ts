/**
 * Every event a reader meets, on the spec's examples and Element's shapes
 * (tests/fixtures/event-shapes.ts): what clients hide stays hidden, polls, calls, pins, policy
 * rules and addresses read as sentences, churn folds, and no raw type string reaches the page.
 */
import * as cheerio from 'cheerio';
import { Eta } from 'eta';
import { describe, expect, it } from 'vitest';
import type { MatrixEvent } from '../../src/matrix/events.js';
import { buildTimeline, type EventView, type SentencePart, type TimelineInput, type TimelineView } from '../../src/view/timeline.js';
import { ELEMENT_SHAPES, SPEC_MESSAGE_EXAMPLES, SPEC_STATE_EXAMPLES, type Shape } from '../fixtures/event-shapes.js';

const ALICE = '@alice:example.org';
const BOB = '@bob:example.org';
let counter = 0;

function ev(partial: Partial<MatrixEvent> & { type: string }): MatrixEvent {
  counter++;
  return { event_id: `$kind${counter}`, sender: ALICE, origin_server_ts: Date.UTC(2026, 10, 29, 12) + counter * 1000, content: {}, ...partial };
}

function fromShape(shape: Shape, extra: Partial<MatrixEvent> = {}): MatrixEvent {
  const fill = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replaceAll('{self}', ALICE));
  return ev({ type: shape.type, content: fill(shape.content) as Record<string, unknown>, ...(shape.state_key !== undefined ? { state_key: fill(shape.state_key) as string } : {}), ...extra });
}

const shape = (name: string): Shape => [...SPEC_MESSAGE_EXAMPLES, ...SPEC_STATE_EXAMPLES, ...ELEMENT_SHAPES].find((s) => s.name === name)!;

function build(events: MatrixEvent[], extra: Partial<TimelineInput> = {}): TimelineView {
  return buildTimeline({ roomId: '!room:example.org', roomRef: '#room:example.org', events, related: [], members: [], mode: 'main', ...extra });
}

const viewsOf = (view: TimelineView): EventView[] =>
  view.items.flatMap((item) => (item.kind === 'event' ? [item.event] : item.kind === 'fold' ? item.fold.events : []));

const words = (parts: SentencePart[]): string => parts.map((p) => ('name' in p ? p.name : 'code' in p ? p.code : p.text)).join('');

function sentence(view: EventView | undefined): string {
  if (view?.kind !== 'state') throw new Error(`not a sentence: ${view?.kind}`);
  return words(view.sentence);
}

const eta = new Eta({ views: new URL('../../templates', import.meta.url).pathname, autoEscape: true, autoTrim: [false, 'nl'] });
const render = (view: TimelineView): string => eta.render('./partials/timeline', { timeline: view });
const pageText = (view: TimelineView): string => cheerio.load(render(view)).root().text();

describe('no raw type string for any spec example or Element shape', () => {
  const all = [...SPEC_MESSAGE_EXAMPLES, ...SPEC_STATE_EXAMPLES, ...ELEMENT_SHAPES];
  const types = [...new Set(all.map((s) => s.type))];
  it.each(all.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    // Each one alone, and between two messages, so no neighbour hides it.
    const events = [ev({ type: 'm.room.message', content: { msgtype: 'm.text', body: 'before' } }), fromShape(s), ev({ type: 'm.room.message', content: { msgtype: 'm.text', body: 'after' } })];
    const text = pageText(build(events));
    for (const type of types) expect(text).not.toContain(type);
    expect(text).not.toContain('cannot show');
  });

  it('all of them in one page', () => {
    const text = pageText(build(all.map((s) => fromShape(s))));
    for (const type of types) expect(text).not.toContain(type);
  });
});

describe('hidden events', () => {
  it('hides call signalling, verification, votes, emote packs, the policy server and Element Call leaves', () => {
    const hidden = ['m.call.candidates', 'm.call.answer', 'm.call.select_answer', 'm.call.negotiate', 'm.call.sdp_stream_metadata_changed', 'm.key.verification.request', 'm.key.verification.ready', 'm.key.verification.start', 'm.key.verification.accept', 'm.key.verification.key', 'm.key.verification.mac', 'm.key.verification.done', 'm.key.verification.cancel', 'unstable poll response', 'stable poll response', 'm.room.image_pack', 'm.room.policy', 'Element Call leave', 'Element Call notify', 'Element Call rtc notification', 'emote pack'];
    for (const name of hidden) expect(build([fromShape(shape(name))]).count, name).toBe(0);
  });

  it('folds a run of unknown future events into one neutral line', () => {
    const view = build([ev({ type: 'com.example.a' }), ev({ type: 'com.example.b' }), ev({ type: 'com.example.a' })]);
    expect(viewsOf(view)).toHaveLength(1);
    expect(viewsOf(view)[0]).toMatchObject({ kind: 'unknown', count: 3, description: 'sent 3 events of kinds this viewer cannot show (com.example.a, com.example.b)' });
  });

  it('keeps a highlighted unknown event out of the run', () => {
    const target = ev({ type: 'com.example.b' });
    expect(viewsOf(build([ev({ type: 'com.example.a' }), target, ev({ type: 'com.example.a' })], { highlight: target.event_id }))).toHaveLength(3);
  });
});

describe('polls', () => {
  function pollWith(startShape: string, votes: [string, string[]][], end?: boolean): { view: TimelineView; start: MatrixEvent } {
    const start = fromShape(shape(startShape));
    const stable = start.type === 'm.poll.start';
    const rel = { rel_type: 'm.reference', event_id: start.event_id };
    const responses = votes.map(([sender, answers]) =>
      ev({ sender, type: stable ? 'm.poll.response' : 'org.matrix.msc3381.poll.response', content: stable ? { 'm.selections': answers, 'm.relates_to': rel } : { 'org.matrix.msc3381.poll.response': { answers }, 'm.relates_to': rel } }),
    );
    const ends = end ? [ev({ type: stable ? 'm.poll.end' : 'org.matrix.msc3381.poll.end', content: { 'm.relates_to': rel, 'org.matrix.msc1767.text': 'Ended poll' } })] : [];
    return { view: build([start, ...responses, ...ends]), start };
  }

  it('shows an unstable poll with its answers and the counted votes, one per voter, the latest', () => {
    const { view } = pollWith('unstable poll start', [[BOB, ['coffee']], ['@carol:example.org', ['tea']], [BOB, ['tea']], ['@dave:example.org', ['nonsense']]]);
    const poll = viewsOf(view)[0]!;
    expect(poll).toMatchObject({ kind: 'poll', poll: { question: 'Tea or coffee?', ended: false, result: null } });
    if (poll.kind !== 'poll') throw new Error();
    expect(poll.poll.answers).toEqual([{ text: 'Tea', votes: '2 votes', winner: false }, { text: 'Coffee', votes: '0 votes', winner: false }]);
    expect(poll.poll.summary).toBe('2 votes counted from the responses this viewer has read.');
    expect(view.count).toBe(1);
  });

  it('hides the counts of an undisclosed stable poll until it ends, then names the winner', () => {
    const running = viewsOf(pollWith('stable poll start', [[BOB, ['fri']]]).view)[0]!;
    if (running.kind !== 'poll') throw new Error();
    expect(running.poll.answers.map((a) => a.votes)).toEqual([null, null]);
    const { view, start } = pollWith('stable poll start', [[BOB, ['fri']], ['@carol:example.org', ['fri']], ['@dave:example.org', ['mon']]], true);
    const [poll, end] = viewsOf(view);
    if (poll?.kind !== 'poll') throw new Error();
    expect(poll.poll.answers).toEqual([{ text: 'Monday', votes: '1 vote', winner: false }, { text: 'Friday', votes: '2 votes', winner: true }]);
    expect(poll.poll.result).toBe('The poll has ended. Winning answer: “Friday”, with 2 votes.');
    expect(sentence(end)).toBe('@alice:example.org ended the poll “Which day?”');
    expect(end?.kind === 'state' && end.sentence.some((p) => 'link' in p && p.link.includes(encodeURIComponent(start.event_id)))).toBe(true);
  });

  it('ignores votes after the end and an end by someone else', () => {
    const start = fromShape(shape('unstable poll start'));
    const rel = { rel_type: 'm.reference', event_id: start.event_id };
    const vote = (sender: string, answer: string): MatrixEvent => ev({ sender, type: 'org.matrix.msc3381.poll.response', content: { 'org.matrix.msc3381.poll.response': { answers: [answer] }, 'm.relates_to': rel } });
    const endBy = (sender: string): MatrixEvent => ev({ sender, type: 'org.matrix.msc3381.poll.end', content: { 'm.relates_to': rel } });
    const view = build([start, vote(BOB, 'tea'), endBy(BOB), endBy(ALICE), vote('@carol:example.org', 'coffee')]);
    const poll = viewsOf(view)[0]!;
    if (poll.kind !== 'poll') throw new Error();
    expect(poll.poll.answers.map((a) => [a.votes, a.winner])).toEqual([['1 vote', true], ['0 votes', false]]);
  });

  it('escapes a hostile question and answers like any body', () => {
    const start = ev({ type: 'org.matrix.msc3381.poll.start', content: { 'org.matrix.msc3381.poll.start': { question: { 'org.matrix.msc1767.text': '<script>alert(1)</script><img src=x onerror=alert(1)>' }, answers: [{ id: 'a', 'org.matrix.msc1767.text': '<b onclick=x>yes</b>' }] } } });
    const html = render(build([start]));
    expect(html).not.toMatch(/<script|<img|<b onclick/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('shows the text fallback of a poll it cannot read', () => {
    const view = viewsOf(build([ev({ type: 'm.poll.start', content: { 'm.poll': { answers: [] }, 'm.text': [{ body: 'What now?' }] } })]))[0];
    expect(view).toMatchObject({ kind: 'message', body: { type: 'notice', html: 'What now?' } });
  });
});

describe('calls, policy rules, addresses and pins', () => {
  it('tells calls as sentences', () => {
    expect(sentence(viewsOf(build([fromShape(shape('m.call.invite'))]))[0])).toBe('@alice:example.org placed a voice call');
    expect(sentence(viewsOf(build([fromShape(shape('video call invite'))]))[0])).toBe('@alice:example.org placed a video call');
    expect(sentence(viewsOf(build([fromShape(shape('m.call.hangup'))]))[0])).toBe('@alice:example.org ended the call');
    expect(sentence(viewsOf(build([fromShape(shape('m.call.reject'))]))[0])).toBe('@alice:example.org declined the call');
  });

  it('says an Element Call started once, not for each who joins or leaves', () => {
    const join = (sender: string): MatrixEvent => fromShape(shape('Element Call join'), { sender, state_key: `_${sender}_DEVICE` });
    const leave = (sender: string): MatrixEvent => ev({ type: 'org.matrix.msc3401.call.member', sender, state_key: `_${sender}_DEVICE`, content: {} });
    const view = build([join(ALICE), join(BOB), leave(BOB), leave(ALICE), join(BOB)]);
    expect(viewsOf(view).map(sentence)).toEqual(['@alice:example.org started a video call', '@bob:example.org started a video call']);
  });

  it('tells policy rules with their entity and recommendation as code, and their removal', () => {
    const rule = fromShape(shape('m.policy.rule.user'));
    const view = viewsOf(build([rule]))[0]!;
    expect(sentence(view)).toBe('@alice:example.org added a ban rule (m.ban) for users matching @alice*:example.org: undesirable behaviour');
    expect(view.kind === 'state' && view.sentence.filter((p) => 'code' in p)).toEqual([{ code: 'm.ban' }, { code: '@alice*:example.org' }]);
    const removed = ev({ type: 'm.policy.rule.server', state_key: 'rule:x', content: {}, unsigned: { prev_content: { entity: '*.evil.example', recommendation: 'm.ban', reason: 'spam' } } });
    expect(sentence(viewsOf(build([removed]))[0])).toBe('@alice:example.org removed the ban rule (m.ban) for servers matching *.evil.example');
    const legacy = ev({ type: 'org.matrix.mjolnir.rule.room', state_key: 'r', content: { entity: '#spam:x', recommendation: 'org.matrix.mjolnir.ban' } });
    expect(sentence(viewsOf(build([legacy]))[0])).toBe('@alice:example.org added a ban rule (org.matrix.mjolnir.ban) for rooms matching #spam:x');
  });

  it('says which addresses changed, and to what', () => {
    const alias = (content: Record<string, unknown>, prev: Record<string, unknown>): string =>
      sentence(viewsOf(build([ev({ type: 'm.room.canonical_alias', state_key: '', content, unsigned: { prev_content: prev } })]))[0]);
    expect(alias({ alias: '#new:x', alt_aliases: ['#b:x'] }, { alias: '#old:x', alt_aliases: ['#b:x'] })).toBe('@alice:example.org changed the main address of this room to #new:x');
    expect(alias({ alias: '#a:x', alt_aliases: ['#b:x', '#c:x'] }, { alias: '#a:x', alt_aliases: ['#b:x'] })).toBe('@alice:example.org added the alternative address #c:x');
    expect(alias({ alias: '#a:x', alt_aliases: [] }, { alias: '#a:x', alt_aliases: ['#b:x', '#c:x'] })).toBe('@alice:example.org removed the alternative addresses #b:x and #c:x');
    expect(alias({ alias: '#n:x', alt_aliases: ['#d:x'] }, {})).toBe('@alice:example.org set the main address of this room to #n:x, and added the alternative address #d:x');
  });

  it('names what was pinned and unpinned, with an excerpt linked to it', () => {
    const target = ev({ type: 'm.room.message', sender: BOB, content: { msgtype: 'm.text', body: 'Read the rules first' } });
    const other = ev({ type: 'm.room.message', content: { msgtype: 'm.text', body: 'Old news' } });
    const pin = ev({ type: 'm.room.pinned_events', state_key: '', content: { pinned: [target.event_id] }, unsigned: { prev_content: { pinned: [other.event_id] } } });
    const view = viewsOf(build([pin], { related: [target, other] }))[0]!;
    expect(sentence(view)).toBe('@alice:example.org pinned “Read the rules first”, and unpinned “Old news”');
    const links = view.kind === 'state' ? view.sentence.flatMap((p) => ('link' in p ? [p.link] : [])) : [];
    expect(links).toHaveLength(2);
    expect(links[0]).toContain(`/event/${encodeURIComponent(target.event_id)}`);
    expect(links[1]).toContain(`/event/${encodeURIComponent(other.event_id)}`);
    expect(sentence(viewsOf(build([ev({ type: 'm.room.pinned_events', state_key: '', content: { pinned: ['$gone:x'] } })]))[0])).toBe('@alice:example.org pinned a message');
  });
});

describe('quiet churn', () => {
  const member = (userId: string, content: Record<string, unknown>, prev?: Record<string, unknown>): MatrixEvent =>
    ev({ type: 'm.room.member', sender: userId, state_key: userId, content, ...(prev ? { unsigned: { prev_content: prev } } : {}) });

  it('folds three or more membership changes into one line with the details inside', () => {
    const events = [
      member('@a:x', { membership: 'join', displayname: 'A' }),
      member('@b:x', { membership: 'join' }),
      member('@c:x', { membership: 'join' }),
      member('@a:x', { membership: 'join', displayname: 'Ada' }, { membership: 'join', displayname: 'A' }),
      member('@b:x', { membership: 'leave' }, { membership: 'join' }),
      ev({ type: 'm.room.message', content: { msgtype: 'm.text', body: 'hi' } }),
      member('@d:x', { membership: 'join' }),
      member('@e:x', { membership: 'join' }),
    ];
    const view = build(events);
    const items = view.items.filter((item) => item.kind !== 'day');
    expect(items.map((item) => item.kind)).toEqual(['fold', 'event', 'event', 'event']);
    const fold = items[0]!.kind === 'fold' ? items[0]!.fold : null;
    expect(fold?.summary).toBe('3 people joined, 1 left, 1 changed their name');
    expect(fold?.events).toHaveLength(5);
    expect(view.count).toBe(8);
    const $ = cheerio.load(render(view));
    expect($('li.ev-fold > details > summary').text()).toContain('3 people joined, 1 left, 1 changed their name');
    expect($('li.ev-fold details ol.fold > li')).toHaveLength(5);
    expect($('li.ev-fold details').attr('open')).toBeUndefined();
  });

  it('opens the fold that holds the highlighted event', () => {
    const events = [member('@a:x', { membership: 'join' }), member('@b:x', { membership: 'join' }), member('@c:x', { membership: 'join' })];
    const $ = cheerio.load(render(build(events, { highlight: events[1]!.event_id })));
    expect($('li.ev-fold details').attr('open')).toBe('open');
    expect($('li.highlighted').length).toBe(1);
  });
});
