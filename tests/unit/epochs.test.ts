import { describe, expect, it } from 'vitest';
import type { MatrixEvent } from '../../src/matrix/events.js';
import { takenBack } from '../../src/rooms/changes.js';
import { RoomEpochs, type EpochChange } from '../../src/rooms/epochs.js';
import { dropWhatRoomsTakeBack } from '../../src/rooms/takedown.js';
import type { Logger } from '../../src/log.js';
import { parseRoomState } from '../../src/rooms/state.js';
import { recordedState } from '../support/recorded.js';

const ROOM = '!lobby:localhost';

describe('RoomEpochs', () => {
  it('gives each room an epoch that only moves forward, and tells the listeners', () => {
    const epochs = new RoomEpochs();
    const heard: EpochChange[] = [];
    epochs.onChange((change) => heard.push(change));
    const first = epochs.of(ROOM);
    expect(epochs.of(ROOM)).toBe(first);
    const redaction = { event_id: '$r', type: 'm.room.redaction', sender: '@a:x', origin_server_ts: 1, content: {}, redacts: '$gone' } as MatrixEvent;
    const moved = epochs.move(ROOM, ['redaction'], [redaction]);
    expect(moved).toBeGreaterThan(first);
    expect(epochs.of(ROOM)).toBe(moved);
    expect(heard).toEqual([{ roomId: ROOM, epoch: moved, reasons: ['redaction'], redacted: ['$gone'], redactions: [redaction], withdrawn: false }]);
  });

  it('never gives a forgotten room an epoch it had before', () => {
    const epochs = new RoomEpochs(2);
    const seen = new Set<number>();
    for (let round = 0; round < 5; round++) {
      for (const room of ['!a:x', '!b:x', '!c:x']) {
        const epoch = epochs.of(room);
        // Three rooms in a map of two: each is forgotten before it is asked for again.
        expect(seen.has(epoch)).toBe(false);
        seen.add(epoch);
      }
    }
  });

  it('remembers withdrawals for the listings until the room is seen readable and listed again', () => {
    const epochs = new RoomEpochs();
    const heard: EpochChange[] = [];
    epochs.onChange((change) => heard.push(change));
    epochs.withdraw(ROOM, 'unlisted');
    expect(epochs.withdrawal(ROOM)).toBe('unlisted');
    expect(heard.at(-1)).toMatchObject({ reasons: ['publication'], withdrawn: false });
    epochs.withdraw(ROOM, 'unreadable');
    expect(epochs.withdrawal(ROOM)).toBe('unreadable');
    expect(heard.at(-1)).toMatchObject({ reasons: ['withdrawn'], withdrawn: true });
    // Said again, or said less: nothing moves.
    const count = heard.length;
    epochs.withdraw(ROOM, 'unreadable');
    epochs.withdraw(ROOM, 'unlisted');
    expect(heard.length).toBe(count);
    epochs.restore(ROOM, { readable: true, listed: false });
    expect(epochs.withdrawal(ROOM)).toBe('unlisted');
    epochs.restore(ROOM, { readable: true, listed: true });
    expect(epochs.withdrawal(ROOM)).toBeUndefined();
  });

  it('records when the epoch began', () => {
    let now = 1000;
    const epochs = new RoomEpochs(10, () => now);
    expect(epochs.since(ROOM)).toBe(1000);
    now = 5000;
    epochs.move(ROOM, ['profile']);
    expect(epochs.since(ROOM)).toBe(5000);
  });
});

describe('takenBack', () => {
  const events = recordedState('lobby-state');
  const state = parseRoomState(ROOM, events);
  const message: MatrixEvent = { event_id: '$m', type: 'm.room.message', sender: '@a:x', origin_server_ts: 1, content: { body: 'hi' } };
  const redaction: MatrixEvent = { event_id: '$r', type: 'm.room.redaction', sender: '@a:x', origin_server_ts: 2, content: {}, redacts: '$m' };

  it('sees nothing in new messages', () => {
    expect(takenBack({ state, published: true }, { state, published: true }, [message])).toEqual({ reasons: [], redacted: [], redactions: [] });
  });

  it('sees redactions, and names what they take back', () => {
    expect(takenBack({ state, published: true }, { state, published: true }, [message, redaction])).toEqual({ reasons: ['redaction'], redacted: ['$m'], redactions: [redaction] });
  });

  it('sees every change of what may be shown and how the room is named', () => {
    const changed = {
      ...state,
      historyVisibility: 'shared',
      joinRule: 'invite',
      tombstone: { replacementRoom: '!new:x', body: undefined },
      topic: 'another topic',
    };
    expect(takenBack({ state, published: true }, { state: changed, published: false }, []).reasons).toEqual([
      'history-visibility',
      'join-rule',
      'publication',
      'tombstone',
      'profile',
    ]);
    expect(takenBack({ state, published: true }, { state: { ...state, avatarUrl: 'mxc://x/y' }, published: true }, []).reasons).toEqual(['profile']);
  });
});

describe('dropWhatRoomsTakeBack', () => {
  function wired() {
    const epochs = new RoomEpochs();
    const forgotten: string[] = [];
    const archived: string[] = [];
    const cache = (name: string) => ({ forgetRoom: (roomId: string) => (forgotten.push(`${name} ${roomId}`), 0) });
    const archive = {
      redact: async (roomId: string, eventId: string, redaction: MatrixEvent) => void archived.push(`redact ${roomId} ${eventId} by ${redaction.event_id}`),
      deleteRoom: async (roomId: string) => void archived.push(`delete ${roomId}`),
    };
    const log = { warn: () => undefined } as unknown as Logger;
    dropWhatRoomsTakeBack(epochs, { derived: [cache('pages')], withdrawn: [cache('widgets')], archive, log });
    return { epochs, forgotten, archived };
  }

  it('applies a redaction to the archive (its search index too) as the epoch moves for it', () => {
    const { epochs, forgotten, archived } = wired();
    const redaction: MatrixEvent = { event_id: '$r', type: 'm.room.redaction', sender: '@a:x', origin_server_ts: 2, content: {}, redacts: '$m' };
    epochs.move(ROOM, ['redaction'], [redaction]);
    expect(forgotten).toEqual([`pages ${ROOM}`]);
    expect(archived).toEqual([`redact ${ROOM} $m by $r`]);
  });

  it('drops a withdrawn room from every cache and deletes its archive', () => {
    const { epochs, forgotten, archived } = wired();
    epochs.withdraw(ROOM, 'unreadable');
    expect(forgotten).toEqual([`pages ${ROOM}`, `widgets ${ROOM}`]);
    expect(archived).toEqual([`delete ${ROOM}`]);
  });
});
