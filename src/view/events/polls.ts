/**
 * Polls (MSC3381), in Element's `org.matrix.msc3381.poll.*` namespace and the stable `m.poll.*`
 * one: the question and answers, votes counted from the responses at hand (the latest valid
 * response of each voter before the poll's end), and the result once the poll has ended.
 * Votes themselves are hidden (hidden.ts); an undisclosed poll shows counts only once ended.
 */
import { isRecord, type MatrixEvent } from '../../matrix/events.js';
import { cleanLine } from './format.js';
import { relatesTo, type Relations } from './relations.js';

type Content = Record<string, unknown>;

export const POLL_START_TYPES = new Set(['m.poll.start', 'org.matrix.msc3381.poll.start']);
export const POLL_END_TYPES = new Set(['m.poll.end', 'org.matrix.msc3381.poll.end']);
const RESPONSE_TYPES = new Set(['m.poll.response', 'org.matrix.msc3381.poll.response']);
const MAX_ANSWERS = 20;
const MAX_TEXT = 300;

/**
 * The text of an extensible-events text block: a string, or `m.text` as a list of
 * representations (the plain one preferred), or the older `org.matrix.msc1767.text`, or `body`.
 */
export function extensibleText(value: unknown, max = MAX_TEXT): string | null {
  if (typeof value === 'string') return cleanLine(value, max);
  if (!isRecord(value)) return null;
  const blocks = value['m.text'];
  if (Array.isArray(blocks)) {
    const plain = blocks.find((b) => isRecord(b) && typeof b['body'] === 'string' && (b['mimetype'] === undefined || b['mimetype'] === 'text/plain'));
    const any = plain ?? blocks.find((b) => isRecord(b) && typeof b['body'] === 'string');
    if (isRecord(any)) return cleanLine(any['body'], max);
  }
  return cleanLine(value['org.matrix.msc1767.text'], max) ?? cleanLine(value['body'], max);
}

/** The text fallback of an extensible event (MSC1767): `m.text` or `org.matrix.msc1767.text`, never a bare `body`. */
export function textFallback(content: Content): string | null {
  if (content['m.text'] === undefined && content['org.matrix.msc1767.text'] === undefined) return null;
  return extensibleText({ 'm.text': content['m.text'], 'org.matrix.msc1767.text': content['org.matrix.msc1767.text'] }, 2000);
}

export interface Poll {
  question: string;
  answers: { id: string; text: string }[];
  disclosed: boolean;
  maxSelections: number;
}

/** The poll a start event's content describes, or null when it has no question or answers. */
export function parsePoll(content: Content): Poll | null {
  const stable = content['m.poll'];
  const unstable = content['org.matrix.msc3381.poll.start'];
  const poll = isRecord(stable) ? stable : isRecord(unstable) ? unstable : null;
  if (!poll) return null;
  const question = extensibleText(poll['question']);
  const answers: Poll['answers'] = [];
  const rawAnswers = Array.isArray(poll['answers']) ? poll['answers'] : [];
  for (const answer of rawAnswers.slice(0, MAX_ANSWERS)) {
    if (!isRecord(answer)) continue;
    const id = answer['m.id'] ?? answer['id'];
    const label = extensibleText(answer, MAX_TEXT);
    if (typeof id === 'string' && id !== '' && label !== null && !answers.some((a) => a.id === id)) answers.push({ id, text: label });
  }
  if (question === null || answers.length === 0) return null;
  const kind = poll['kind'];
  const max = poll['max_selections'];
  return {
    question,
    answers,
    disclosed: kind !== 'm.undisclosed' && kind !== 'org.matrix.msc3381.poll.undisclosed',
    maxSelections: typeof max === 'number' && Number.isInteger(max) && max >= 1 ? Math.min(max, answers.length) : 1,
  };
}

/** The selections of a response event, or null when it is not a response. */
function selections(event: MatrixEvent): string[] | null {
  if (!RESPONSE_TYPES.has(event.type)) return null;
  const stable = event.content['m.selections'];
  const unstable = event.content['org.matrix.msc3381.poll.response'];
  const raw = Array.isArray(stable) ? stable : isRecord(unstable) && Array.isArray(unstable['answers']) ? unstable['answers'] : [];
  return raw.filter((id): id is string => typeof id === 'string');
}

export interface PollResult {
  /** Votes per answer ID. */
  votes: Map<string, number>;
  voters: number;
  /** The end event, when one from the poll's sender is known. */
  end: MatrixEvent | null;
}

const later = (a: MatrixEvent, b: MatrixEvent): boolean =>
  a.origin_server_ts > b.origin_server_ts || (a.origin_server_ts === b.origin_server_ts && a.event_id > b.event_id);

/** Counts the votes (MSC3381: each voter's latest response before the end; a spoilt one counts for nothing). */
export function countVotes(start: MatrixEvent, poll: Poll, relations: Relations): PollResult {
  const related = relations.references(start.event_id);
  let end: MatrixEvent | null = null;
  for (const event of related) {
    if (POLL_END_TYPES.has(event.type) && event.sender === start.sender && (end === null || later(end, event))) end = event;
  }
  const latest = new Map<string, MatrixEvent>();
  for (const event of related) {
    if (!RESPONSE_TYPES.has(event.type)) continue;
    if (end && later(event, end)) continue;
    const known = latest.get(event.sender);
    if (!known || later(event, known)) latest.set(event.sender, event);
  }
  const valid = new Set(poll.answers.map((a) => a.id));
  const votes = new Map(poll.answers.map((a) => [a.id, 0]));
  let voters = 0;
  for (const response of latest.values()) {
    const chosen = [...new Set(selections(response) ?? [])].slice(0, poll.maxSelections).filter((id) => valid.has(id));
    if (chosen.length === 0) continue;
    voters++;
    for (const id of chosen) votes.set(id, (votes.get(id) ?? 0) + 1);
  }
  return { votes, voters, end };
}

/** The poll a reference points at, for the end event's sentence. */
export function pollOf(event: MatrixEvent, relations: Relations): { start: MatrixEvent; poll: Poll } | null {
  const id = relatesTo(event.content)?.eventId;
  const start = id ? relations.get(id) : undefined;
  if (!start || !POLL_START_TYPES.has(start.type)) return null;
  const poll = parsePoll(start.content);
  return poll ? { start, poll } : null;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The poll as the page shows it. */
export function pollView(start: MatrixEvent, poll: Poll, relations: Relations): PollView {
  const { votes, voters, end } = countVotes(start, poll, relations);
  const shown = poll.disclosed || end !== null;
  const most = Math.max(0, ...votes.values());
  const winners = end && most > 0 ? poll.answers.filter((a) => votes.get(a.id) === most) : [];
  const answers = poll.answers.map((answer) => {
    const count = votes.get(answer.id) ?? 0;
    return { text: answer.text, votes: shown ? plural(count, 'vote', 'votes') : null, winner: winners.includes(answer) };
  });
  let result: string | null = null;
  if (end) {
    const names = winners.map((w) => `“${w.text}”`).join(' and ');
    result =
      winners.length === 0
        ? 'The poll has ended with no votes.'
        : `The poll has ended. ${winners.length === 1 ? 'Winning answer' : 'Tied answers'}: ${names}, with ${plural(most, 'vote', 'votes')}.`;
  }
  const choose = poll.maxSelections > 1 ? `Up to ${poll.maxSelections} answers each. ` : '';
  const summary = shown
    ? `${choose}${plural(voters, 'vote', 'votes')} counted from the responses this viewer has read.`
    : `${choose}Results are shown when the poll ends.`;
  return { question: poll.question, answers, ended: end !== null, result, summary };
}

export interface PollView {
  question: string;
  /** In the poll's order; `votes` ("3 votes") is null while an undisclosed poll runs. */
  answers: { text: string; votes: string | null; winner: boolean }[];
  ended: boolean;
  /** "The poll has ended. Winning answer: “Yes”, with 3 votes.", or null while it runs. */
  result: string | null;
  /** "4 votes counted from the responses this viewer has read." */
  summary: string;
}
