import { describe, expect, it } from 'vitest';
import { parseRoomState } from '../../src/rooms/state.js';
import { buildTransparency } from '../../src/view/transparency.js';
import { recordedState } from '../support/recorded.js';

const state = parseRoomState('!lobby:localhost', recordedState('lobby-state'));
const budget = { viewerSeconds: 11, cdnSeconds: 3600 };

describe('why a room is shown here', () => {
  it('names the history visibility, who set it and when, from the state event', () => {
    expect(state.historyVisibilitySetBy).toBe('@seeder:localhost');
    expect(state.historyVisibilitySetAt).toBe(1795930422217);
    const view = buildTransparency(state, { ref: '#lobby:localhost', published: true, indexing: true, budget, names: new Map([['@seeder:localhost', 'Seeder']]) });
    expect(view.visibility).toBe('world_readable');
    expect(view.setBy).toBe('Seeder (@seeder:localhost)');
    expect(view.setAt).toBe('Sunday 29 November 2026, 05:33 UTC');
    expect(view.setAtIso).toBe(new Date(1795930422217).toISOString());
    expect(view.href).toBe('/room/lobby:localhost/info#why-shown');
  });

  it('says whether the room is listed and so indexed', () => {
    const listed = buildTransparency(state, { ref: '#lobby:localhost', published: true, indexing: true, budget });
    expect(listed).toMatchObject({ listed: true, indexed: true });
    expect(listed.listing).toMatch(/lets search engines index/);
    const quiet = buildTransparency(state, { ref: '#lobby:localhost', published: true, indexing: false, budget });
    expect(quiet).toMatchObject({ listed: true, indexed: false });
    expect(quiet.listing).toMatch(/asks search engines not to index/);
    const unlisted = buildTransparency(state, { ref: '#lobby:localhost', published: false, indexing: true, budget });
    expect(unlisted).toMatchObject({ listed: false, indexed: false });
    expect(unlisted.listing).toMatch(/not in the public room directory/);
  });

  it('gives the three ways out, with the takedown budget', () => {
    const view = buildTransparency(state, { ref: '#lobby:localhost', published: true, indexing: true, budget });
    expect(view.waysOut).toHaveLength(3);
    expect(view.waysOut[0]).toMatch(/world_readable.*within 11 seconds here, and within 3611 seconds/);
    expect(view.waysOut[1]).toMatch(/public room directory/);
    expect(view.waysOut[2]).toMatch(/ROOM_DENYLIST/);
    expect(view.redactions).toMatch(/within 11 seconds/);
  });
});
