// #widgets:localhost: widgets as Element writes them (im.vector.modular.widgets), one
// m.widget, one removed, one hostile, and an io.element.widgets.layout.
import type { SeedWidget, WidgetsRoom } from '../../tests/support/homeserver.js';
import { sendText, setState, upload } from './client.js';
import { png } from './media.js';
import { createRoom, joinedCount, roomVersion } from './rooms.js';
import type { Users } from './users.js';

const NAME = 'Widgets';
const TOPIC = 'Widgets: Jitsi, Etherpad, Grafana, YouTube, Google Docs and custom widgets';
const ELEMENT = 'im.vector.modular.widgets';

interface WidgetSpec {
  label: string;
  eventType: string;
  stateKey: string;
  content: Record<string, unknown>;
}

export async function seedWidgets(users: Users): Promise<WidgetsRoom> {
  const { seeder } = users;
  const room = await createRoom(seeder, {
    alias: 'widgets',
    name: NAME,
    topic: TOPIC,
    published: true,
    historyVisibility: 'world_readable',
    guestAccess: true,
  });
  const { roomId } = room;
  const events: Record<string, string> = {};
  events['intro'] = await sendText(seeder, roomId, 'This room holds widgets.');
  const icon = await upload(seeder, 'grafana-icon.png', 'image/png', png(24, 24, [240, 90, 40], [250, 200, 60]));

  const creator = seeder.userId;
  const element = (
    label: string,
    id: string,
    content: Record<string, unknown>,
  ): WidgetSpec => ({ label, eventType: ELEMENT, stateKey: id, content: { id, creatorUserId: creator, ...content } });

  const specs: WidgetSpec[] = [
    element('jitsi', 'seed_jitsi', {
      type: 'jitsi',
      name: 'Jitsi Meet',
      url: 'https://app.element.io/jitsi.html?confId=SeedCall#conferenceDomain=$domain&conferenceId=$conferenceId&isAudioOnly=$isAudioOnly',
      data: { domain: 'meet.element.io', conferenceId: 'SeedCall', isAudioOnly: false },
    }),
    element('etherpad', 'seed_etherpad', {
      type: 'm.etherpad',
      name: 'Etherpad',
      url: 'https://pad.example.org/p/seed-notes?userName=$matrix_user_id',
      data: { url: 'https://pad.example.org/p/seed-notes', title: 'Meeting notes' },
    }),
    element('grafana', 'seed_grafana', {
      type: 'm.grafana',
      name: 'Grafana',
      avatar_url: icon,
      url: 'https://grafana.example.org/d-solo/seed/overview?orgId=1&panelId=2',
      data: { url: 'https://grafana.example.org/d-solo/seed/overview?orgId=1&panelId=2', title: 'Server load' },
    }),
    element('youtube', 'seed_youtube', {
      type: 'youtube',
      name: 'YouTube',
      url: 'https://www.youtube.com/embed/aqz-KE-bpKQ',
      data: { videoUrl: 'https://www.youtube.com/watch?v=aqz-KE-bpKQ' },
    }),
    element('googledocs', 'seed_googledocs', {
      type: 'googledocs',
      name: 'Google Docs',
      url: 'https://docs.google.com/document/d/1SeedDocumentId/edit',
      data: { url: 'https://docs.google.com/document/d/1SeedDocumentId/edit', title: 'Plan' },
    }),
    element('custom', 'seed_custom', {
      type: 'm.custom',
      name: 'Kanban board',
      url: 'https://widgets.example.org/board?room=$matrix_room_id&widget=$matrix_widget_id&user=$matrix_user_id&board=$board',
      data: { board: 'seed-board', title: 'Sprint 7' },
    }),
    {
      label: 'mwidget',
      eventType: 'm.widget',
      stateKey: 'seed_mwidget',
      content: {
        id: 'seed_mwidget',
        creatorUserId: creator,
        type: 'm.custom',
        name: 'World clock',
        url: 'https://widgets.example.org/clock?tz=$tz',
        data: { tz: 'UTC' },
      },
    },
    element('hostile', 'seed_hostile', {
      type: 'm.custom',
      name: '<script>alert("xss-widget")</script>Evil widget',
      url: 'javascript:alert(document.cookie)',
      data: { title: '"><img src=x onerror=alert(1)>' },
    }),
  ];
  const removedSpec = element('removed', 'seed_removed', {
    type: 'm.custom',
    name: 'Temporary widget',
    url: 'https://widgets.example.org/temporary',
    data: {},
  });

  const widgets: SeedWidget[] = [];
  for (const spec of specs) {
    const eventId = await setState(seeder, roomId, spec.eventType, spec.stateKey, spec.content);
    widgets.push({ ...spec, eventId, removed: false });
    events[`widget:${spec.label}`] = eventId;
  }
  events['widgetAdded:removed'] = await setState(seeder, roomId, ELEMENT, removedSpec.stateKey, removedSpec.content);
  const removedId = await setState(seeder, roomId, ELEMENT, removedSpec.stateKey, {});
  events['widget:removed'] = removedId;
  widgets.push({
    ...removedSpec,
    content: {},
    previousContent: removedSpec.content,
    eventId: removedId,
    removed: true,
  });

  const layout = {
    widgets: {
      seed_etherpad: { container: 'top', index: 0, width: 50, height: 30 },
      seed_jitsi: { container: 'top', index: 1, width: 50, height: 30 },
      seed_grafana: { container: 'right' },
    },
  };
  events['layout'] = await setState(seeder, roomId, 'io.element.widgets.layout', '', layout);
  events['outro'] = await sendText(seeder, roomId, 'Widgets are set up.');

  return {
    roomId,
    alias: room.alias,
    name: NAME,
    topic: TOPIC,
    roomVersion: await roomVersion(seeder, roomId),
    worldReadable: true,
    inDirectory: true,
    memberCount: await joinedCount(seeder, roomId),
    events,
    widgets,
    removedWidget: removedSpec.stateKey,
    layout,
  };
}
