import { describe, expect, it } from 'vitest';
import { buildWidgets, cleanText, countWidgets, describeWidgetEvent, REASONS, type WidgetView } from '../../src/view/widgets.js';
import { fillTemplate, isPlainHost, templateVariables } from '../../src/view/widgets/links.js';
import {
  ALICE,
  BOB,
  CONF_ID,
  ROOM_ID,
  customContent,
  elementJitsiContent,
  elementWidget,
  etherpadContent,
  googleDocContent,
  grafanaContent,
  layoutEvent,
  specWidget,
  stateEvent,
  stickerContent,
  youtubeContent,
} from '../fixtures/widgets.js';

function one(content: unknown, stateKey = 'w1'): WidgetView {
  const widgets = buildWidgets([elementWidget(stateKey, content)], ROOM_ID);
  expect(widgets).toHaveLength(1);
  return widgets[0]!;
}

function custom(url: string, data: Record<string, unknown> = {}, stateKey = 'w1'): WidgetView {
  return one({ type: 'm.custom', url, name: 'Test', data }, stateKey);
}

describe('a Jitsi widget as Element writes it', () => {
  const widget = one(elementJitsiContent, 'jitsi_hq');

  it('links to the conference on its domain', () => {
    expect(widget.href).toBe(`https://meet.element.io/${CONF_ID}`);
    expect(widget.host).toBe('meet.element.io');
    expect(widget.insecure).toBe(false);
    expect(widget.reason).toBeNull();
    expect(widget.reasonCode).toBeNull();
    expect(widget.conference).toBe(CONF_ID);
  });

  it('has its name, kind, sender, time and raw content', () => {
    expect(widget).toMatchObject({
      id: 'jitsi_hq',
      name: 'Jitsi',
      title: null,
      kind: 'jitsi',
      kindLabel: 'Jitsi video call',
      type: 'jitsi',
      dimension: false,
      sender: ALICE,
      ts: 1_700_000_000_000,
      eventType: 'im.vector.modular.widgets',
      avatar: null,
    });
    expect(widget.content).toEqual(elementJitsiContent);
  });
});

describe('Jitsi links', () => {
  const jitsi = (data: unknown, url = 'https://app.element.io/jitsi.html') => one({ type: 'm.jitsi', url, data });

  it('uses the domain from data, with a port', () => {
    expect(jitsi({ conferenceId: 'TeamCall', domain: 'jitsi.example.org:8443' }).href).toBe('https://jitsi.example.org:8443/TeamCall');
  });

  it('defaults the domain to meet.element.io', () => {
    expect(jitsi({ conferenceId: 'TeamCall' }).href).toBe('https://meet.element.io/TeamCall');
  });

  it('takes the conference from the confId query parameter when there is no data', () => {
    const widget = one({ type: 'jitsi', url: `https://app.element.io/jitsi.html?confId=${CONF_ID}#conferenceId=$conferenceId` });
    expect(widget.href).toBe(`https://meet.element.io/${CONF_ID}`);
    expect(widget.conference).toBe(CONF_ID);
  });

  it('prefers data.conferenceId to confId', () => {
    expect(jitsi({ conferenceId: 'FromData' }, 'https://app.element.io/jitsi.html?confId=FromQuery').href).toBe(
      'https://meet.element.io/FromData',
    );
  });

  it('percent-encodes a conference ID so it cannot leave the path', () => {
    expect(jitsi({ conferenceId: '../admin' }).href).toBe('https://meet.element.io/..%2Fadmin');
    expect(jitsi({ conferenceId: 'a?b=c' }).href).toBe('https://meet.element.io/a%3Fb%3Dc');
    expect(jitsi({ conferenceId: 'a#frag' }).href).toBe('https://meet.element.io/a%23frag');
    expect(jitsi({ conferenceId: 'Team call/ü' }).href).toBe('https://meet.element.io/Team%20call%2F%C3%BC');
    expect(jitsi({ conferenceId: '../../evil.org/x?y#z' }).host).toBe('meet.element.io');
  });

  it('gives no link for a dot-segment conference ID', () => {
    expect(jitsi({ conferenceId: '..' }).reasonCode).toBe('jitsi-no-conference');
  });

  it('gives no link when there is no conference', () => {
    const widget = jitsi({ domain: 'meet.example.org' });
    expect(widget.href).toBeNull();
    expect(widget.reasonCode).toBe('jitsi-no-conference');
    expect(widget.reason).toBe(REASONS['jitsi-no-conference']);
  });

  it.each([
    'evil.org/path',
    'user@evil.org',
    'user:pass@evil.org',
    'https://evil.org',
    'javascript:alert(1)',
    'evil.org:99999',
    'evil.org:',
    '-evil.org',
    'evil..org',
    'evil.org?x',
    'evil.org#x',
    'evil org',
    '[::1]',
  ])('gives no link for the domain %j', (domain) => {
    const widget = jitsi({ conferenceId: 'Call', domain });
    expect(widget.href).toBeNull();
    expect(widget.host).toBeNull();
    expect(widget.reasonCode).toBe('jitsi-domain');
  });

  it('gives no link for a domain of the wrong type', () => {
    expect(jitsi({ conferenceId: 'Call', domain: 42 }).reasonCode).toBe('jitsi-domain');
  });

  it('accepts plain host names', () => {
    expect(isPlainHost('meet.jit.si')).toBe(true);
    expect(isPlainHost('localhost:8000')).toBe(true);
    expect(isPlainHost('10.0.0.1')).toBe(true);
    expect(isPlainHost('')).toBe(false);
  });
});

describe('removed and malformed widgets are not listed', () => {
  it.each([
    ['no url', { type: 'm.custom', name: 'x' }],
    ['no type', { url: 'https://example.org/', name: 'x' }],
    ['empty url', { type: 'm.custom', url: '' }],
    ['empty content (Element removes this way)', {}],
    ['a string', 'https://example.org/'],
    ['an array', [{ type: 'm.custom', url: 'https://example.org/' }]],
    ['null', null],
    ['a url that is not a string', { type: 'm.custom', url: ['https://example.org/'] }],
    ['a type that is not a string', { type: 7, url: 'https://example.org/' }],
    ['a name that is not a string', { type: 'm.custom', url: 'https://example.org/', name: { html: '<b>' } }],
    ['data that is not an object', { type: 'm.custom', url: 'https://example.org/', data: 'x' }],
    ['data that is an array', { type: 'm.custom', url: 'https://example.org/', data: ['x'] }],
    ['an avatar that is not a string', { type: 'm.custom', url: 'https://example.org/', avatar_url: 5 }],
  ])('%s', (_label, content) => {
    expect(buildWidgets([elementWidget('w1', content)], ROOM_ID)).toEqual([]);
  });

  it('treats null name and data as absent', () => {
    const widget = one({ type: 'm.custom', url: 'https://example.org/', name: null, data: null });
    expect(widget.name).toBe('Custom widget');
    expect(widget.href).toBe('https://example.org/');
  });

  it('ignores events that are not widget state events', () => {
    const notState = { ...elementWidget('w1', customContent) };
    delete notState.state_key;
    const events = [notState, stateEvent('m.room.name', '', { name: 'HQ' }), stateEvent('m.widgets', 'w2', customContent)];
    expect(buildWidgets(events, ROOM_ID)).toEqual([]);
  });
});

describe('the state key is the ID', () => {
  it('wins over content.id, also in $matrix_widget_id', () => {
    const widget = one({ ...customContent, id: 'something_else' }, 'real_id');
    expect(widget.id).toBe('real_id');
    expect(widget.href).toBe('https://dashboard.example.org/room/!HQpublic%3Aexample.org?widget=real_id&theme=light');
  });
});

describe('kinds', () => {
  it.each([
    ['m.jitsi', 'jitsi', 'Jitsi video call'],
    ['jitsi', 'jitsi', 'Jitsi video call'],
    ['m.etherpad', 'etherpad', 'Etherpad document'],
    ['etherpad', 'etherpad', 'Etherpad document'],
    ['m.grafana', 'grafana', 'Grafana dashboard'],
    ['grafana', 'grafana', 'Grafana dashboard'],
    ['m.video', 'youtube', 'YouTube video'],
    ['youtube', 'youtube', 'YouTube video'],
    ['m.googledoc', 'googledoc', 'Google Doc'],
    ['googledocs', 'googledoc', 'Google Doc'],
    ['m.googlecalendar', 'googlecalendar', 'Google Calendar'],
    ['googlecalendar', 'googlecalendar', 'Google Calendar'],
    ['m.tradingview', 'tradingview', 'TradingView chart'],
    ['tradingview', 'tradingview', 'TradingView chart'],
    ['m.spotify', 'spotify', 'Spotify player'],
    ['spotify', 'spotify', 'Spotify player'],
    ['m.stickerpicker', 'stickerpicker', 'Sticker picker'],
    ['m.integration_manager', 'integration_manager', 'Integration manager'],
    ['m.custom', 'custom', 'Custom widget'],
    ['customwidget', 'custom', 'Custom widget'],
    ['org.example.unknown', 'custom', 'Custom widget'],
    ['M.JITSI', 'custom', 'Custom widget'],
  ])('%s is %s', (type, kind, label) => {
    const widget = one({ type, url: 'https://example.org/w', data: { conferenceId: 'c' } });
    expect(widget.kind).toBe(kind);
    expect(widget.kindLabel).toBe(label);
    expect(widget.name).toBe(label);
    expect(widget.dimension).toBe(false);
  });

  it('lists a dimension-* widget as custom, noting Dimension', () => {
    const widget = one({ type: 'dimension-customwidget', url: 'https://dimension.t2bot.io/widgets/generic?url=$url', data: { url: 'https://example.org/page' } });
    expect(widget).toMatchObject({ kind: 'custom', kindLabel: 'Custom widget (Dimension)', dimension: true });
    expect(widget.href).toBe('https://example.org/page');
  });

  it('links an unknown type as a custom widget', () => {
    const widget = one({ type: 'com.example.board', url: 'https://board.example.com/$matrix_room_id', name: 'Board' });
    expect(widget.kind).toBe('custom');
    expect(widget.href).toBe('https://board.example.com/!HQpublic%3Aexample.org');
  });
});

describe('tools are listed without a link', () => {
  it('sticker picker', () => {
    const widget = one(stickerContent);
    expect(widget.href).toBeNull();
    expect(widget.reasonCode).toBe('tool');
    expect(widget.reason).toBe(REASONS.tool);
  });

  it('integration manager', () => {
    const widget = one({ type: 'm.integration_manager', url: 'https://dimension.t2bot.io/riot', data: { api_url: 'https://dimension.t2bot.io' } });
    expect(widget.reasonCode).toBe('tool');
  });
});

describe('links of the other kinds', () => {
  it('Etherpad: data.url, with title and avatar', () => {
    const widget = one(etherpadContent);
    expect(widget.href).toBe('https://scalar.vector.im/etherpad/p/hq-meeting-notes');
    expect(widget.host).toBe('scalar.vector.im');
    expect(widget.title).toBe('Weekly sync');
    expect(widget.name).toBe('Meeting notes');
    expect(widget.avatar).toBe('/media/thumbnail/example.org/EtherpadIcon123?width=32&height=32&method=crop');
  });

  it('Google Docs: data.url', () => {
    expect(one(googleDocContent).href).toBe('https://docs.google.com/document/d/1AbC-dEf_123/edit');
  });

  it('Grafana: the filled template (numbers from data)', () => {
    expect(one(grafanaContent).href).toBe('https://grafana.example.org/d-solo/abc/overview?orgId=1&panelId=4&theme=light');
  });

  it('falls back to the filled template when data.url is not http(s)', () => {
    const widget = custom('https://example.org/wrap?room=$matrix_room_id', { url: 'javascript:alert(1)' });
    expect(widget.href).toBe('https://example.org/wrap?room=!HQpublic%3Aexample.org');
  });

  it('avatar is null when it is not a valid mxc URI', () => {
    expect(one({ ...customContent, avatar_url: 'https://example.org/a.png' }).avatar).toBeNull();
    expect(one({ ...customContent, avatar_url: 'mxc://example.org/../x' }).avatar).toBeNull();
  });
});

describe('YouTube links', () => {
  it('turns an embed URL into the watch page', () => {
    expect(one(youtubeContent).href).toBe('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
  });

  it('also from youtube-nocookie.com, with embed parameters', () => {
    expect(one({ type: 'youtube', url: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1' }).href).toBe(
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
    );
  });

  it('prefers data.url', () => {
    const widget = one({ type: 'm.video', url: 'https://www.youtube.com/embed/aaaaaaaaaaa', data: { url: 'https://www.youtube.com/watch?v=bbbbbbbbbbb' } });
    expect(widget.href).toBe('https://www.youtube.com/watch?v=bbbbbbbbbbb');
  });

  it('finds the video behind a wrapper page', () => {
    const widget = one({
      type: 'm.video',
      url: 'https://dimension.t2bot.io/widgets/video?url=$videoUrl',
      data: { videoUrl: 'https://www.youtube.com/embed/dQw4w9WgXcQ' },
    });
    expect(widget.href).toBe('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
  });

  it('finds the video in the wrapper URL when data does not have it', () => {
    const widget = one({
      type: 'm.video',
      url: 'https://dimension.t2bot.io/widgets/video?url=https%3A%2F%2Fwww.youtube.com%2Fembed%2FdQw4w9WgXcQ',
    });
    expect(widget.href).toBe('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
  });

  it('leaves other video URLs as they are', () => {
    expect(one({ type: 'm.video', url: 'https://video.example.org/embed/abc' }).href).toBe('https://video.example.org/embed/abc');
  });
});

describe('link validation after templating', () => {
  it('rejects javascript:', () => {
    const widget = custom('javascript:alert(document.cookie)');
    expect(widget.href).toBeNull();
    expect(widget.host).toBeNull();
    expect(widget.reasonCode).toBe('not-web');
    expect(widget.reason).toBe(REASONS['not-web']);
  });

  it('rejects javascript: hidden by case, whitespace and newlines', () => {
    expect(custom(' JavaScript:alert(1)').reasonCode).toBe('not-web');
    expect(custom('java\nscript:alert(1)').reasonCode).toBe('not-web');
  });

  it('rejects data:', () => {
    expect(custom('data:text/html,<script>alert(1)</script>').reasonCode).toBe('not-web');
  });

  it('rejects a scheme built by the template', () => {
    const widget = custom('$scheme://x', { scheme: 'javascript' });
    expect(widget.href).toBeNull();
    expect(widget.reasonCode).toBe('not-web');
  });

  it('rejects a data.url of javascript: when the template is no better', () => {
    expect(custom('$url', { url: 'javascript:alert(1)' }).reasonCode).toBe('invalid-url');
  });

  it.each(['/relative/path', 'example.org/page', '//example.org/x', 'https://', 'http://[bad', '$matrix_room_id'])(
    'rejects %j as not a valid absolute URL',
    (url) => {
      const widget = custom(url);
      expect(widget.href).toBeNull();
      expect(widget.reasonCode).toBe('invalid-url');
    },
  );

  it.each(['ftp://example.org/file', 'file:///etc/passwd', 'matrix:r/room:example.org', 'mailto:a@example.org'])('rejects %j', (url) => {
    expect(custom(url).reasonCode).toBe('not-web');
  });

  it('rejects credentials', () => {
    expect(custom('https://user:pass@example.org/').reasonCode).toBe('credentials');
    expect(custom('https://user@example.org/').reasonCode).toBe('credentials');
  });

  it('allows http:, marked insecure', () => {
    const widget = custom('http://intranet.example.org:8080/board');
    expect(widget.href).toBe('http://intranet.example.org:8080/board');
    expect(widget.host).toBe('intranet.example.org:8080');
    expect(widget.insecure).toBe(true);
    expect(widget.reason).toBeNull();
  });

  it('rejects absurdly long URLs', () => {
    expect(custom(`https://example.org/${'a'.repeat(9000)}`).reasonCode).toBe('too-long');
  });

  it('shows an IDN host in its ASCII form', () => {
    expect(custom('https://bücher.example/').host).toBe('xn--bcher-kva.example');
  });
});

describe('templating', () => {
  it('fills every variable of the Element Jitsi wrapper URL, user variables empty', () => {
    const vars = templateVariables(elementJitsiContent.data, { roomId: ROOM_ID, widgetId: 'jitsi_hq' });
    expect(fillTemplate(elementJitsiContent.url, vars)).toBe(
      `https://app.element.io/jitsi.html?confId=${CONF_ID}#conferenceDomain=meet.element.io&conferenceId=${CONF_ID}` +
        '&isAudioOnly=false&displayName=&avatarUrl=&userId=&roomId=!HQpublic%3Aexample.org&theme=light&roomName=Matrix%20HQ',
    );
  });

  it('leaves user variables empty', () => {
    const widget = custom('https://example.org/w?u=$matrix_user_id&n=$matrix_display_name&a=$matrix_avatar_url&r=$matrix_room_id&w=$matrix_widget_id&t=$theme');
    expect(widget.href).toBe('https://example.org/w?u=&n=&a=&r=!HQpublic%3Aexample.org&w=w1&t=light');
  });

  it('data cannot override our own variables', () => {
    const widget = custom('https://example.org/?u=$matrix_user_id&r=$matrix_room_id', { matrix_user_id: '@admin:evil.org', matrix_room_id: '!other:evil.org' });
    expect(widget.href).toBe('https://example.org/?u=&r=!HQpublic%3Aexample.org');
  });

  it('replaces longer keys first', () => {
    const widget = custom('https://example.org/?a=$conferenceId&b=$conferenceIdX&c=$conferenceIdXY', {
      conferenceId: 'short',
      conferenceIdX: 'longer',
      conferenceIdXY: 'longest',
    });
    expect(widget.href).toBe('https://example.org/?a=short&b=longer&c=longest');
  });

  it('encodes values with characters that need it', () => {
    const widget = custom('https://example.org/search?q=$q&path=$path', { q: 'a b&c=d#e?f', path: 'x/../é %' });
    expect(widget.href).toBe('https://example.org/search?q=a%20b%26c%3Dd%23e%3Ff&path=x%2F..%2F%C3%A9%20%25');
  });

  it('accepts data keys with or without the leading $', () => {
    expect(custom('https://example.org/$a/$b', { $a: 'one', b: 'two' }).href).toBe('https://example.org/one/two');
    expect(custom('https://example.org/$a', { $a: 'prefixed', a: 'plain' }).href).toBe('https://example.org/plain');
  });

  it('uses only string, number and boolean data values', () => {
    const widget = custom('https://example.org/?s=$s&n=$n&b=$b&o=$o&z=$z', { s: 'x', n: 1.5, b: true, o: { x: 1 }, z: null });
    expect(widget.href).toBe('https://example.org/?s=x&n=1.5&b=true&o=$o&z=$z');
  });

  it('does not re-expand a value that contains a $variable', () => {
    const widget = custom('https://example.org/?a=$a&b=$b', { a: '$b', b: 'x' });
    expect(widget.href).toBe('https://example.org/?a=%24b&b=x');
  });

  it('escapes keys that contain regular expression characters', () => {
    expect(custom('https://example.org/?x=$a.b&y=$a+b', { 'a.b': '1', 'a+b': '2' }).href).toBe('https://example.org/?x=1&y=2');
  });
});

describe('names and titles', () => {
  it('keeps an HTML name as text (templates escape it)', () => {
    const widget = one({ ...customContent, name: '<script>alert(1)</script><b>Board</b>' });
    expect(widget.name).toBe('<script>alert(1)</script><b>Board</b>');
  });

  it('caps a 10,000-character name at 200 characters with an ellipsis', () => {
    const widget = one({ ...customContent, name: 'x'.repeat(10_000), data: { title: 'y'.repeat(10_000) } });
    expect(Array.from(widget.name)).toHaveLength(200);
    expect(widget.name).toBe(`${'x'.repeat(199)}…`);
    expect(widget.title).toBe(`${'y'.repeat(199)}…`);
  });

  it('trims, collapses whitespace and drops controls and bidi overrides', () => {
    expect(one({ ...customContent, name: '  Team \n\t board\u202e\u0000 ' }).name).toBe('Team board');
  });

  it('uses the kind label for an empty or blank name', () => {
    expect(one({ ...elementJitsiContent, name: '   ' }).name).toBe('Jitsi video call');
    expect(one({ ...elementJitsiContent, name: undefined }).name).toBe('Jitsi video call');
  });

  it('ignores a title of the wrong type', () => {
    expect(one({ ...customContent, data: { title: 42 } }).title).toBeNull();
  });

  it('never splits a surrogate pair', () => {
    expect(cleanText('😀'.repeat(300))).toBe(`${'😀'.repeat(199)}…`);
    expect(cleanText(`a${' '.repeat(5000)}b`)).toBe('a…');
  });
});

describe('merging the two event types', () => {
  const jitsi = { ...elementJitsiContent, name: 'Element copy' };
  const spec = { type: 'm.custom', url: 'https://example.org/spec', name: 'Spec copy' };

  it('the most recent live copy wins', () => {
    const older = buildWidgets([elementWidget('w', jitsi, { ts: 2 }), specWidget('w', spec, { ts: 1 })], ROOM_ID);
    expect(older).toHaveLength(1);
    expect(older[0]).toMatchObject({ name: 'Element copy', eventType: 'im.vector.modular.widgets' });
    const newer = buildWidgets([elementWidget('w', jitsi, { ts: 1 }), specWidget('w', spec, { ts: 2, sender: BOB })], ROOM_ID);
    expect(newer[0]).toMatchObject({ name: 'Spec copy', eventType: 'm.widget', sender: BOB, href: 'https://example.org/spec' });
  });

  it('m.widget wins a tie', () => {
    const widgets = buildWidgets([specWidget('w', spec, { ts: 5 }), elementWidget('w', jitsi, { ts: 5 })], ROOM_ID);
    expect(widgets[0]?.eventType).toBe('m.widget');
  });

  it('a removal in one type removes only that copy', () => {
    const widgets = buildWidgets([specWidget('w', spec, { ts: 1 }), elementWidget('w', {}, { ts: 9 })], ROOM_ID);
    expect(widgets).toHaveLength(1);
    expect(widgets[0]).toMatchObject({ name: 'Spec copy', eventType: 'm.widget' });
  });

  it('removals in both types remove the widget', () => {
    expect(buildWidgets([specWidget('w', {}, { ts: 1 }), elementWidget('w', 'gone', { ts: 2 })], ROOM_ID)).toEqual([]);
  });

  it('within one type, the latest event is the current state', () => {
    const events = [elementWidget('w', jitsi, { ts: 1 }), elementWidget('w', {}, { ts: 2 })];
    expect(buildWidgets(events, ROOM_ID)).toEqual([]);
    expect(buildWidgets([...events].reverse(), ROOM_ID)).toEqual([]);
  });
});

describe('order', () => {
  const at = (id: string, ts: number) => elementWidget(id, { ...customContent, name: id }, { ts });
  const ids = (widgets: WidgetView[]) => widgets.map((widget) => widget.id);

  it('by time without a layout, ties by ID', () => {
    expect(ids(buildWidgets([at('c', 3), at('b', 1), at('a', 3), at('d', 2)], ROOM_ID))).toEqual(['b', 'd', 'a', 'c']);
  });

  it('by the layout: top before right, then index, then ID; the rest by time', () => {
    const layout = layoutEvent({
      r0: { container: 'right', index: 0 },
      t2: { container: 'top', index: 2, width: 50, height: 40 },
      t1b: { container: 'top', index: 1, width: 25, height: 40 },
      t1a: { container: 'top', index: 1, width: 25, height: 40 },
      tn: { container: 'top' },
      gone: { container: 'top', index: 0 },
      odd: { container: 'floating', index: 0 },
      bad: 'top',
    });
    const events = [at('late', 9), at('r0', 1), at('t2', 2), at('t1b', 3), at('t1a', 4), at('tn', 5), at('odd', 8), at('bad', 7), layout];
    expect(ids(buildWidgets(events, ROOM_ID))).toEqual(['t1a', 't1b', 't2', 'tn', 'r0', 'bad', 'odd', 'late']);
  });

  it('ignores a layout that is malformed or not at state key ""', () => {
    const events = [at('b', 1), at('a', 2)];
    expect(ids(buildWidgets([...events, stateEvent('io.element.widgets.layout', '', 'nonsense')], ROOM_ID))).toEqual(['b', 'a']);
    expect(ids(buildWidgets([...events, stateEvent('io.element.widgets.layout', '', { widgets: [1] })], ROOM_ID))).toEqual(['b', 'a']);
    const keyed = stateEvent('io.element.widgets.layout', 'x', { widgets: { a: { container: 'top', index: 0 } } });
    expect(ids(buildWidgets([...events, keyed], ROOM_ID))).toEqual(['b', 'a']);
  });
});

describe('countWidgets', () => {
  it('counts listed and usable widgets', () => {
    const widgets = buildWidgets(
      [elementWidget('a', elementJitsiContent), elementWidget('b', stickerContent), elementWidget('c', { type: 'm.custom', url: 'javascript:x' }), elementWidget('d', {})],
      ROOM_ID,
    );
    expect(countWidgets(widgets)).toEqual({ listed: 3, usable: 1 });
    expect(countWidgets([])).toEqual({ listed: 0, usable: 0 });
  });
});

describe('describeWidgetEvent', () => {
  it('added, with the link', () => {
    const change = describeWidgetEvent(elementWidget('jitsi_hq', elementJitsiContent), ROOM_ID);
    expect(change).toMatchObject({ action: 'added', name: 'Jitsi', kindLabel: 'Jitsi video call' });
    expect(change?.widget?.href).toBe(`https://meet.element.io/${CONF_ID}`);
  });

  it('changed, taking prev_content from unsigned', () => {
    const event = elementWidget('pad', { ...etherpadContent, name: 'Renamed notes' }, { prevContent: etherpadContent });
    const change = describeWidgetEvent(event, ROOM_ID);
    expect(change).toMatchObject({ action: 'changed', name: 'Renamed notes', kindLabel: 'Etherpad document' });
    expect(change?.widget?.href).toBe('https://scalar.vector.im/etherpad/p/hq-meeting-notes');
  });

  it('added when the previous content was a removal', () => {
    expect(describeWidgetEvent(elementWidget('w', customContent, { prevContent: {} }), ROOM_ID)?.action).toBe('added');
  });

  it('removed, named by the previous content', () => {
    const change = describeWidgetEvent(elementWidget('jitsi_hq', {}, { prevContent: elementJitsiContent }), ROOM_ID);
    expect(change).toEqual({ action: 'removed', widget: null, name: 'Jitsi', kindLabel: 'Jitsi video call' });
  });

  it('an explicit previous content overrides unsigned', () => {
    const change = describeWidgetEvent(elementWidget('w', {}, { prevContent: 'junk' }), ROOM_ID, grafanaContent);
    expect(change).toEqual({ action: 'removed', widget: null, name: 'Federation lag', kindLabel: 'Grafana dashboard' });
  });

  it('removed with nothing known about it: named by its ID', () => {
    expect(describeWidgetEvent(specWidget('  old\nwidget ', ['junk']), ROOM_ID)).toEqual({
      action: 'removed',
      widget: null,
      name: 'old widget',
      kindLabel: null,
    });
  });

  it('an unusable widget is described without a link', () => {
    const change = describeWidgetEvent(elementWidget('w', { type: 'm.custom', url: 'data:text/html,x', name: 'Bad' }), ROOM_ID);
    expect(change?.action).toBe('added');
    expect(change?.widget).toMatchObject({ href: null, reasonCode: 'not-web' });
  });

  it('null for other events', () => {
    expect(describeWidgetEvent(stateEvent('m.room.topic', '', { topic: 'x' }), ROOM_ID)).toBeNull();
    expect(describeWidgetEvent(layoutEvent({}), ROOM_ID)).toBeNull();
  });
});
