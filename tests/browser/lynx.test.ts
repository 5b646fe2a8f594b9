/**
 * The room as lynx shows it (`lynx -dump`, the Debian package): messages in order with their
 * sender and time, and links that lead back through history: "Earlier messages" and the day
 * archive, the way a person with a text browser would go.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const pagination = seed.rooms.pagination;

interface Dump {
  text: string;
  /** Reference number → URL, from lynx's "References" list. */
  refs: Map<number, string>;
}

async function lynx(url: string): Promise<Dump> {
  // No proxy: lynx must only ever talk to the viewer on the loopback interface.
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', TERM: 'dumb', no_proxy: '*' };
  const { stdout } = await promisify(execFile)('lynx', ['-dump', '-width=200', '-display_charset=utf-8', '-assume_charset=utf-8', url], { env, maxBuffer: 16 * 1024 * 1024 });
  const [body = '', references = ''] = stdout.split(/^References$/m);
  const refs = new Map<number, string>();
  for (const match of references.matchAll(/^\s*(\d+)\. (\S+)$/gm)) refs.set(Number(match[1]), match[2]!);
  return { text: body, refs };
}

/** The URL of the first link whose text matches. */
function link(dump: Dump, text: RegExp): string | undefined {
  const re = new RegExp(`\\[(\\d+)\\]${text.source}`, text.flags);
  const match = re.exec(dump.text);
  return match ? dump.refs.get(Number(match[1])) : undefined;
}

/** "Message N" numbers in reading order, each with the sender/time line just above it. */
function messages(dump: Dump): Array<{ n: number; head: string }> {
  const lines = dump.text.split('\n');
  const out: Array<{ n: number; head: string }> = [];
  lines.forEach((line, i) => {
    const match = /^\s+Message (\d+)\s*$/.exec(line);
    if (match) out.push({ n: Number(match[1]), head: lines[i - 1] ?? '' });
  });
  return out;
}

const SENDERS = /(Alice Liddell|Bob Builder|Carol Danvers)/;

describe('lynx', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('shows the latest messages in order, each with its sender and UTC time', async () => {
    const dump = await lynx(`${viewer.url}/room/pagination:localhost`);
    const shown = messages(dump);
    expect(shown.length).toBeGreaterThan(20);
    const last = pagination.messages.length;
    expect(shown[shown.length - 1]!.n).toBe(last);
    shown.forEach((m, i) => {
      if (i > 0) expect(m.n).toBe(shown[i - 1]!.n + 1);
      expect(m.head).toMatch(SENDERS);
      expect(m.head).toMatch(/\d\d:\d\d UTC/);
      const seeded = pagination.messages[m.n - 1]!;
      expect(m.head).toContain(new Date(seeded.ts).toISOString().slice(11, 16));
    });
  });

  it('"Earlier messages" leads back without a gap, page after page, to the first message', async () => {
    let dump = await lynx(`${viewer.url}/room/pagination:localhost`);
    let first = messages(dump)[0]!.n;
    for (let pages = 0; pages < 20 && first > 1; pages++) {
      const href = link(dump, /← Earlier messages/);
      expect(href, `page ${pages}`).toBeDefined();
      expect(new URL(href!).origin).toBe(viewer.url);
      dump = await lynx(href!);
      const shown = messages(dump);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown[shown.length - 1]!.n).toBe(first - 1);
      first = shown[0]!.n;
    }
    expect(first).toBe(1);
    expect(link(dump, /← Earlier messages/)).toBeUndefined();
  });

  it('the day heading leads to the day archive, and that to earlier days', async () => {
    const dump = await lynx(`${viewer.url}/room/pagination:localhost`);
    const dayHref = link(dump, /\w+day \d{1,2} \w+ \d{4}/);
    expect(dayHref).toMatch(/\/room\/pagination:localhost\/date\/\d{4}\/\d\d\/\d\d$/);
    const dayStatus = (await fetch(dayHref!)).status;
    expect(dayStatus).toBe(200);
    let day = await lynx(dayHref!);
    let date = /\/date\/(\d{4})\/(\d\d)\/(\d\d)/.exec(dayHref!)!.slice(1).join('-');
    const seen = [date];
    for (let i = 0; i < 10; i++) {
      const onDay = pagination.messages.filter((m) => new Date(m.ts).toISOString().slice(0, 10) === date).map((m) => m.body);
      const shown = messages(day).map((m) => `Message ${m.n}`);
      // A day with many messages is split into pages: the first page starts the day.
      expect(shown.length).toBeGreaterThan(0);
      for (const body of shown) expect(onDay).toContain(body);
      expect(shown[0]).toBe(onDay[0]);
      const previous = link(day, /← \w+day \d{1,2} \w+ \d{4}/);
      if (!previous) break;
      const next = /\/date\/(\d{4})\/(\d\d)\/(\d\d)/.exec(previous)!.slice(1).join('-');
      expect(next < date).toBe(true);
      date = next;
      seen.push(date);
      day = await lynx(previous);
    }
    // Every seeded day with messages was reached, skipping the empty ones.
    expect(seen.filter((d) => pagination.days.includes(d)).sort()).toEqual([...pagination.days].sort());
    for (const empty of pagination.emptyDays) expect(seen).not.toContain(empty);
  });
});

describe('w3m', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('reads the room the same way: messages in order, each under its sender and time', async () => {
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', TERM: 'dumb', no_proxy: '*' };
    const { stdout } = await promisify(execFile)('w3m', ['-dump', '-cols', '200', '-O', 'UTF-8', `${viewer.url}/room/pagination:localhost`], { env, maxBuffer: 16 * 1024 * 1024 });
    const lines = stdout.split('\n');
    const shown: number[] = [];
    lines.forEach((line, i) => {
      const match = /^\s*Message (\d+)\s*$/.exec(line);
      if (!match) return;
      shown.push(Number(match[1]));
      // w3m puts a blank line between the head and the body.
      const head = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
      expect(head, `the line above Message ${match[1]}`).toMatch(SENDERS);
      expect(head).toMatch(/\d\d:\d\d UTC/);
    });
    expect(shown.length).toBeGreaterThan(20);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    expect(shown.at(-1)).toBe(pagination.messages.length);
    expect(stdout).toContain('Earlier messages');
  });
});
