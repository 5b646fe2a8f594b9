import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvents, type MatrixEvent } from '../../src/matrix/events.js';
import { parseMessages, type TimelineChunk } from '../../src/matrix/room-answers.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'recorded');

/** A response recorded from the seeded Synapse by scripts/record-fixtures.ts. */
export function recorded(name: string): unknown {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
}

export function recordedState(name: string): MatrixEvent[] {
  return parseEvents(recorded(name));
}

/** A recorded backwards `/messages` page, as the parser returns it (chronological). */
export function recordedMessages(name: string): TimelineChunk {
  return parseMessages(recorded(name), 'b');
}
