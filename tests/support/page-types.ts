import { loadSeed } from './homeserver.js';

/** Page type → path and the status it must answer with. */
export function pageTypes(): Record<string, { path: string; status: number }> {
  const seed = loadSeed();
  const ev = (id: string | undefined) => encodeURIComponent(id ?? '');
  return {
    directory: { path: '/', status: 200 },
    'directory-search': { path: '/?q=lobby', status: 200 },
    'directory-empty-search': { path: '/?q=nothing-matches-this', status: 200 },
    room: { path: '/room/lobby:localhost', status: 200 },
    'room-pagination': { path: '/room/pagination:localhost', status: 200 },
    space: { path: '/room/space:localhost', status: 200 },
    day: { path: `/room/pagination:localhost/date/${seed.rooms.pagination.days[0]!.replace(/-/g, '/')}`, status: 200 },
    event: { path: `/room/lobby:localhost/event/${ev(seed.rooms.lobby.events['image'])}`, status: 200 },
    thread: { path: `/room/lobby:localhost/thread/${ev(seed.rooms.lobby.events['threadRoot'])}`, status: 200 },
    info: { path: '/room/lobby:localhost/info', status: 200 },
    // Polls, calls, pins, a fold, audio and video; the pins on the info page; a policy list.
    'event-kinds': { path: '/room/events:localhost', status: 200 },
    'event-kinds-info': { path: '/room/events:localhost/info', status: 200 },
    'policy-list': { path: '/room/policy:localhost', status: 200 },
    members: { path: '/room/lobby:localhost/members', status: 200 },
    widgets: { path: '/room/widgets:localhost/widgets', status: 200 },
    'error-400': { path: '/room/not%20a%20room', status: 400 },
    'error-403': { path: `/room/${seed.rooms.membersOnly.alias.slice(1)}`, status: 403 },
    'error-404': { path: '/room/no-such-room:localhost', status: 404 },
  };
}
