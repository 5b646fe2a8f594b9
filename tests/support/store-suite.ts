// One suite for every ArchiveStore: tests/unit runs it on SQLite, tests/e2e on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Archive } from '../../src/archive/archive.js';
import { parseQuery } from '../../src/archive/query.js';
import { MARK_END, MARK_START, type ArchiveStore, type SearchQuery } from '../../src/archive/types.js';
import type { MatrixEvent } from '../../src/matrix/events.js';
import { describeForArchive } from '../../src/view/archive-text.js';

const ROOM = '!room:test';
const OTHER = '!other:test';
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 10, 12);

let seq = 0;
function msg(body: string, ts: number, extra: Partial<MatrixEvent> = {}, content: Record<string, unknown> = {}): MatrixEvent {
  seq++;
  return { event_id: `$e${seq}`, type: 'm.room.message', sender: '@alice:test', origin_server_ts: ts, content: { msgtype: 'm.text', body, ...content }, ...extra };
}
const member = (user: string, name: string, ts: number): MatrixEvent => ({
  event_id: `$m${++seq}`, type: 'm.room.member', sender: user, state_key: user, origin_server_ts: ts, content: { membership: 'join', displayname: name },
});

function query(text: string, more: Partial<SearchQuery> = {}): SearchQuery {
  const parsed = parseQuery(text);
  return { ...parsed, roomIds: [ROOM, OTHER], fromTs: undefined, toTs: undefined, sort: 'relevance', limit: 20, offset: 0, ...more };
}

export function storeSuite(name: string, make: () => Promise<ArchiveStore>): void {
  describe(`the archive store (${name})`, () => {
    let store: ArchiveStore;
    let archive: Archive;
    const events: MatrixEvent[] = [];
    beforeAll(async () => {
      store = await make();
      await store.migrate();
      await store.migrate(); // a second start finds nothing to do
      archive = new Archive(store, { describe: describeForArchive, now: () => T0 + 10 * DAY, onError: (e) => { throw e; } });
      // Three days, written newest chunk first as a backwards walk does.
      events.push(
        { event_id: '$create', type: 'm.room.create', sender: '@alice:test', state_key: '', origin_server_ts: T0 - DAY, content: {} },
        member('@alice:test', 'Alice Liddell', T0 - DAY + 1),
        msg('the quick brown fox jumps over the lazy dog', T0 - DAY + 2, { event_id: '$fox' }),
        msg('Crème brûlée at the café', T0 - DAY + 3),
        msg('nothing to see', T0),
        msg('a formatted one', T0 + 1, {}, { format: 'org.matrix.custom.html', formatted_body: '<b>bold</b> <i>zebra</i> words' }),
        msg('holiday.png', T0 + 2, {}, { msgtype: 'm.image', filename: 'holiday.png', body: 'our walrus on the beach' }),
        msg('brown fox in a thread', T0 + 3, {}, { 'm.relates_to': { rel_type: 'm.thread', event_id: '$fox' } }),
        { event_id: '$poll', type: 'm.poll.start', sender: '@bob:test', origin_server_ts: T0 + 4, content: { 'm.poll': { question: { 'm.text': [{ body: 'Favourite penguin?' }] }, answers: [{ 'm.id': 'a', 'm.text': [{ body: 'Emperor' }] }] } } },
        msg('latest words quick', T0 + DAY),
      );
      const older = events.slice(0, 5);
      const newer = events.slice(5);
      await archive.record(ROOM, { events: newer, state: [member('@bob:test', 'Bob', T0 - DAY)] }, { from: undefined, dir: 'b', start: 'tok-b1', end: 'tok-f1', reachedStart: false });
      await archive.record(ROOM, { events: older, state: [] }, { from: 'tok-b1', dir: 'b', start: 'tok-b2', end: 'tok-b1', reachedStart: true });
      await archive.record(OTHER, { events: [msg('quick in another room', T0)], state: [] }, undefined);
    });
    afterAll(async () => store.close());

    it('joins a backwards walk into one stretch that reaches the start, so past days are complete', async () => {
      const stretches = await store.stretches(ROOM);
      expect(stretches).toHaveLength(1);
      expect(stretches[0]).toMatchObject({ atStart: true, fwdToken: 'tok-f1', loTs: T0 - DAY });
      const day = await archive.completeDay(ROOM, '2024-01-10');
      expect(day?.map((e) => e.event_id)).toEqual(events.filter((e) => new Date(e.origin_server_ts).toISOString().startsWith('2024-01-10')).map((e) => e.event_id));
      expect(await archive.completeDay(OTHER, '2024-01-10')).toBeUndefined();
      // A forward chunk from the stretch's token extends it.
      await archive.record(ROOM, { events: [msg('later still', T0 + 2 * DAY)], state: [] }, { from: 'tok-f1', dir: 'f', start: 'tok-f1', end: 'tok-f2', reachedStart: false, reachedEnd: true });
      const after = await store.stretches(ROOM);
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ fwdToken: 'tok-f2', hiTs: T0 + 2 * DAY });
    });

    it('does not take a full forward chunk from elsewhere (a day jump) for the newest events', async () => {
      const room = '!jump:test';
      await archive.record(room, { events: [msg('x', T0 - DAY), msg('y', T0 - 1)], state: [] }, { from: 'somewhere', dir: 'f', start: 'somewhere', end: 'j2', reachedStart: false, reachedEnd: false });
      expect(await archive.completeDay(room, '2024-01-10')).toBeUndefined();
      await store.deleteRoom(room);
    });

    it('merges a new latest window into the old stretch once a backwards chunk overlaps it', async () => {
      const room = '!merge:test';
      const a = [msg('one', T0), msg('two', T0 + 1)];
      const b = [msg('three', T0 + 2), msg('four', T0 + 3)];
      await archive.record(room, { events: a, state: [] }, { from: undefined, dir: 'b', start: 'x1', end: 'x2', reachedStart: true });
      await archive.record(room, { events: b, state: [] }, { from: undefined, dir: 'b', start: 'y1', end: 'y2', reachedStart: false });
      expect(await store.stretches(room)).toHaveLength(2);
      await archive.record(room, { events: [a[1]!, b[0]!], state: [] }, { from: 'y1', dir: 'b', start: 'z1', end: 'y1', reachedStart: false });
      const merged = await store.stretches(room);
      expect(merged).toHaveLength(1);
      expect(merged[0]).toMatchObject({ atStart: true, loTs: T0, hiTs: T0 + 3, fwdToken: 'y2' });
      await store.deleteRoom(room);
    });

    it('finds all words, phrases, diacritic-free spellings, file names, captions, formatted text and polls', async () => {
      const ids = async (q: string, more: Partial<SearchQuery> = {}): Promise<string[]> => (await store.search(query(q, more))).hits.map((h) => h.eventId).sort();
      expect(await ids('quick fox')).toEqual([events[2]!.event_id]);
      expect(await ids('"brown fox"')).toEqual([events[2]!.event_id, events[7]!.event_id].sort());
      expect(await ids('"fox brown"')).toEqual([]);
      expect(await ids('zebra')).toEqual([events[5]!.event_id]);
      expect(await ids('walrus')).toEqual([events[6]!.event_id]);
      expect(await ids('holiday')).toEqual([events[6]!.event_id]);
      expect(await ids('penguin emperor')).toEqual(['$poll']);
      if (store.kind === 'sqlite') expect(await ids('creme brulee')).toEqual([events[3]!.event_id]);
      expect(await ids('crème')).toEqual([events[3]!.event_id]);
      expect(await ids('quick', { roomIds: [ROOM] })).toHaveLength(2);
      expect(await ids('quick')).toHaveLength(3);
    });

    it('narrows by sender and dates, orders by relevance or newest, pages and counts', async () => {
      const all = await store.search(query('quick', { sort: 'new' }));
      expect(all.total).toBe(3);
      expect(all.hits.map((h) => h.ts)).toEqual([...all.hits.map((h) => h.ts)].sort((a, b) => b - a));
      const page2 = await store.search(query('quick', { sort: 'new', limit: 2, offset: 2 }));
      expect(page2.hits).toHaveLength(1);
      expect(page2.total).toBe(3);
      expect((await store.search(query('from:@bob:test'))).hits.map((h) => h.eventId)).toEqual(['$poll']);
      expect((await store.search(query('quick from:@bob:test'))).hits).toEqual([]);
      const dated = await store.search(query('quick', { fromTs: T0 - DAY / 2, toTs: T0 + DAY / 2 }));
      expect(dated.hits.map((h) => h.roomId)).toEqual([OTHER]);
      const hit = (await store.search(query('lazy dog'))).hits[0]!;
      expect(hit).toMatchObject({ sender: '@alice:test', senderName: 'Alice Liddell', day: '2024-01-09', roomId: ROOM });
      expect(hit.snippet).toContain(`${MARK_START}lazy${MARK_END}`);
    });

    it('finds a room\'s matches behind thousands of newer ones in other rooms, and counts past the cap', async () => {
      const lone = '!lone:test';
      const busy = '!busy:test';
      await archive.record(lone, { events: [msg('needle in the quiet room', T0 - 5 * DAY, { event_id: '$needle' })], state: [] }, undefined);
      // More than one walk's worth of newer matches elsewhere (5,000 a walk in SQLite).
      for (let chunk = 0; chunk < 12; chunk++) {
        const events = Array.from({ length: 500 }, (_, i) => msg(`needle number ${chunk * 500 + i}`, T0 + chunk * 1000 + i));
        await archive.record(busy, { events, state: [] }, undefined);
      }
      const inLone = await store.search(query('needle', { roomIds: [lone] }));
      expect(inLone.hits.map((h) => h.eventId)).toEqual(['$needle']);
      expect(inLone).toMatchObject({ total: 1, capped: false });
      const newest = await store.search(query('needle', { roomIds: [lone, busy], sort: 'new' }));
      expect(newest).toMatchObject({ total: 1000, capped: true });
      expect(newest.hits[0]!.ts).toBe(T0 + 11 * 1000 + 499);
      await store.deleteRoom(lone);
      await store.deleteRoom(busy);
    }, 60_000);

    it('applies redactions: the placeholder stays, the content and the index entry go', async () => {
      const target = events[2]!;
      await archive.record(ROOM, { events: [{ event_id: '$red', type: 'm.room.redaction', sender: '@alice:test', origin_server_ts: T0 + 5, redacts: target.event_id, content: { redacts: target.event_id } }], state: [] }, undefined);
      expect((await store.search(query('lazy dog'))).hits).toEqual([]);
      const day = await store.dayEvents(ROOM, '2024-01-09');
      const kept = day.find((e) => e.event_id === target.event_id)!;
      expect(kept.content).toEqual({});
      expect(kept.unsigned?.['redacted_because']).toMatchObject({ event_id: '$red' });
      // A copy the homeserver already redacted, fetched again, keeps it redacted.
      await archive.record(ROOM, { events: [{ ...events[3]!, content: {}, unsigned: { redacted_because: { event_id: '$red2' } } }], state: [] }, undefined);
      expect((await store.search(query('café'))).hits).toEqual([]);
      await store.redact(ROOM, events[5]!.event_id, { event_id: '$red3', type: 'm.room.redaction', sender: '@alice:test', origin_server_ts: T0 + 6, content: {} });
      expect((await store.search(query('zebra'))).hits).toEqual([]);
    });

    it('indexes a message by its latest valid edit, whichever comes first, and never the edit itself', async () => {
      const room = '!edits:test';
      const ids = async (q: string): Promise<string[]> => (await store.search(query(q, { roomIds: [room] }))).hits.map((h) => h.eventId).sort();
      const edit = (id: string, target: string, body: string, ts: number, sender = '@alice:test'): MatrixEvent => ({
        event_id: id, type: 'm.room.message', sender, origin_server_ts: ts,
        content: { msgtype: 'm.text', body: `* ${body}`, 'm.new_content': { msgtype: 'm.text', body }, 'm.relates_to': { rel_type: 'm.replace', event_id: target } },
      });
      const original = msg('the walrus sings', T0, { event_id: '$orig' });
      // A backwards walk: the edits come before their target.
      await archive.record(room, { events: [edit('$ed1', '$orig', 'the narwhal sings', T0 + 10), edit('$bad', '$orig', 'the impostor sings', T0 + 30, '@mallory:test')], state: [] }, undefined);
      await archive.record(room, { events: [original], state: [] }, undefined);
      expect(await ids('narwhal')).toEqual(['$orig']);
      expect(await ids('walrus')).toEqual([]);
      expect(await ids('impostor')).toEqual([]); // another sender's edit is not valid
      expect(await ids('sings')).toEqual(['$orig']); // one result, not one per edit
      // A later edit, after the target: it wins.
      await archive.record(room, { events: [edit('$ed2', '$orig', 'the dolphin sings', T0 + 20)], state: [] }, undefined);
      expect(await ids('dolphin')).toEqual(['$orig']);
      expect(await ids('narwhal')).toEqual([]);
      expect((await store.search(query('dolphin', { roomIds: [room] }))).hits[0]?.snippet).toContain(`${MARK_START}dolphin${MARK_END}`);
      // Redacting the latest edit gives back the one before; redacting that, the message's own words.
      await store.redact(room, '$ed2', { event_id: '$r1', type: 'm.room.redaction', sender: '@alice:test', origin_server_ts: T0 + 40, content: {} });
      expect(await ids('narwhal')).toEqual(['$orig']);
      expect(await ids('dolphin')).toEqual([]);
      await store.redact(room, '$ed1', { event_id: '$r2', type: 'm.room.redaction', sender: '@alice:test', origin_server_ts: T0 + 41, content: {} });
      expect(await ids('walrus')).toEqual(['$orig']);
      expect(await ids('narwhal')).toEqual([]);
      await store.deleteRoom(room);
    });

    it('takes hostile search input as plain words', async () => {
      for (const q of ['quick OR fox', 'quick NEAR(fox)', 'quick*', '"quick', 'quick AND -fox', "qu'ick ; DROP TABLE events", 'text:quick', '^quick']) {
        await expect(store.search(query(q))).resolves.toBeDefined();
      }
    });

    it('gives the calendar, the threads and members as at a time', async () => {
      const calendar = await store.calendar(ROOM);
      expect(calendar.map((d) => d.day)).toEqual(['2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12']);
      expect(calendar.find((d) => d.day === '2024-01-10')?.count).toBe(4); // the thread reply is not counted
      const threads = await store.threads(ROOM, 10, 0);
      expect(threads.total).toBe(1);
      expect(threads.threads[0]).toMatchObject({ rootId: events[2]!.event_id, replies: 1, latestTs: T0 + 3 });
      const members = await store.membersAt(ROOM, ['@alice:test', '@bob:test', '@nobody:test'], T0);
      expect(members.map((m) => m.content['displayname']).sort()).toEqual(['Alice Liddell', 'Bob']);
      expect(await store.neighbourDays(ROOM, '2024-01-10')).toEqual({ previous: '2024-01-09', next: '2024-01-11' });
    });

    it('keeps backfill progress, and lets one task hold the backfill lock', async () => {
      await store.saveBackfill({ roomId: ROOM, token: 't1', done: false, updatedAt: 5 });
      await store.saveBackfill({ roomId: ROOM, token: 't2', done: true, updatedAt: 6 });
      expect(await store.backfillState(ROOM)).toEqual({ roomId: ROOM, token: 't2', done: true, updatedAt: 6 });
      let inner: boolean | undefined;
      const outer = await store.withBackfillLock(async () => {
        inner = await store.withBackfillLock(async () => undefined);
      });
      expect(outer).toBe(true);
      expect(inner).toBe(false);
      expect((await store.stats()).events).toBeGreaterThan(0);
    });

    it('deletes a room whole', async () => {
      await store.deleteRoom(ROOM);
      expect(await store.stretches(ROOM)).toEqual([]);
      expect(await store.dayEvents(ROOM, '2024-01-10')).toEqual([]);
      expect(await store.calendar(ROOM)).toEqual([]);
      expect(await store.backfillState(ROOM)).toBeUndefined();
      expect((await store.search(query('quick'))).hits.map((h) => h.roomId)).toEqual([OTHER]);
    });
  });
}
