import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSeed } from '../support/homeserver.js';
import { startViewer, type RunningViewer } from '../support/viewer.js';

const seed = loadSeed();
const room = seed.rooms.widgets;

/** The one link each seeded widget must get, worked out by hand from the seed's content. */
const expected: Record<string, string | null> = {
  etherpad: 'https://pad.example.org/p/seed-notes',
  jitsi: 'https://meet.element.io/SeedCall',
  grafana: 'https://grafana.example.org/d-solo/seed/overview?orgId=1&panelId=2',
  youtube: 'https://www.youtube.com/watch?v=aqz-KE-bpKQ',
  googledocs: 'https://docs.google.com/document/d/1SeedDocumentId/edit',
  custom: `https://widgets.example.org/board?room=${encodeURIComponent(room.roomId)}&widget=seed_custom&user=&board=seed-board`,
  mwidget: 'https://widgets.example.org/clock?tz=UTC',
  hostile: null,
};

const nameOf = (label: string): string => String(room.widgets.find((w) => w.label === label)!.content['name']);

describe('widgets, against the seeded #widgets:localhost', () => {
  let viewer: RunningViewer;
  beforeAll(async () => {
    viewer = await startViewer();
  });
  afterAll(async () => viewer.close());

  it('shows a widgets bar with one safe link per usable widget, in layout order', async () => {
    const { status, $ } = await viewer.html('/room/widgets:localhost');
    expect(status).toBe(200);
    const links = $('.widgets-bar a').toArray().map((a) => ({ text: $(a).text(), href: $(a).attr('href'), rel: $(a).attr('rel') }));
    // The layout puts Etherpad and Jitsi on top (index 0, 1), then Grafana on the right.
    expect(links.slice(0, 3).map((l) => l.text)).toEqual([nameOf('etherpad'), nameOf('jitsi'), nameOf('grafana')]);
    const hrefs = links.map((l) => l.href);
    for (const [label, href] of Object.entries(expected)) {
      if (href) expect(hrefs, label).toContain(href);
    }
    expect(links.length).toBe(Object.values(expected).filter(Boolean).length);
    for (const link of links) expect(link.rel).toBe('nofollow noopener noreferrer');
    expect($('.widgets-bar').text()).toContain('opens meet.element.io');
    expect($('.widgets-bar').text()).toContain('Evil widget');
    expect($('.widgets-bar').text()).not.toContain('Temporary widget');
    expect($('.widgets-bar a[href^="javascript"]').length).toBe(0);
  });

  it('lists every widget on the widgets page with its details, link or reason, and raw state', async () => {
    const { status, $, body } = await viewer.html('/room/widgets:localhost/widgets');
    expect(status).toBe(200);
    expect(body).not.toContain('<script>alert');
    const items = $('ol.widgets > li.widget');
    expect(items.length).toBe(Object.keys(expected).length);
    for (const [label, href] of Object.entries(expected)) {
      const item = items.filter((_, li) => $(li).find('h2').text().trim() === nameOf(label));
      expect(item.length, label).toBe(1);
      const details = Object.fromEntries(item.find('dt').toArray().map((dt) => [$(dt).text(), $(dt).next('dd').text()]));
      expect(details['Added by']).toContain(seed.users.seeder.userId);
      if (href) {
        expect(item.find('dd a').attr('href')).toBe(href);
        expect(details['Link']).toContain(`opens ${new URL(href).host}`);
      } else {
        expect(item.find('dd a').length).toBe(0);
        expect(details['Link']).toMatch(/^No link: /);
      }
      expect(item.find('details pre').text()).toContain(`"type"`);
    }
    const jitsi = items.filter((_, li) => $(li).find('h2').text().trim() === nameOf('jitsi'));
    expect(jitsi.find('dt:contains("Conference") + dd').text()).toBe('SeedCall');
    const etherpad = items.filter((_, li) => $(li).find('h2').text().trim() === nameOf('etherpad'));
    expect(etherpad.find('dt:contains("Title") + dd').text()).toBe('Meeting notes');
    const grafana = items.filter((_, li) => $(li).find('h2').text().trim() === nameOf('grafana'));
    expect(grafana.find('img.widget-icon').attr('src')).toMatch(/^\/media\/thumbnail\/localhost\//);
    expect(grafana.find('img.widget-icon').attr('alt')).toBeTruthy();
    expect($('main').text()).not.toContain('Temporary widget');
  });

  it('says in the timeline who added and removed widgets, linking the added ones', async () => {
    const { $ } = await viewer.html('/room/widgets:localhost');
    const sentences = $('li.ev-state .sentence').toArray().map((p) => $(p));
    const added = sentences.find((p) => p.text().includes(`added the widget ${nameOf('jitsi')}`));
    expect(added?.text()).toContain('(Jitsi video call)');
    expect(added?.find(`a[href="${expected['jitsi']}"]`).length).toBe(1);
    expect(sentences.some((p) => /removed the widget Temporary widget/.test(p.text()))).toBe(true);
    const hostile = sentences.find((p) => p.text().includes('Evil widget'));
    expect(hostile?.find('a[href^="javascript"]').length ?? 0).toBe(0);
  });

  it('lists the widgets on the room details page', async () => {
    const { $ } = await viewer.html('/room/widgets:localhost/info');
    const items = $('ul.widgets-brief li').toArray().map((li) => $(li).text());
    expect(items.length).toBe(Object.keys(expected).length);
    expect($(`ul.widgets-brief a[href="${expected['youtube']}"]`).length).toBe(1);
  });
});
