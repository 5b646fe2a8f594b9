// The lobby's messages: every message kind, rich and hostile HTML, media, odd events.
import { send, upload } from './client.js';
import { fakeVideo, png, wav } from './media.js';
import type { Users } from './users.js';

export const FORMATTED_HTML = [
  '<h1>Release notes</h1><h2>What changed</h2>',
  '<p><strong>Bold</strong>, <em>italic</em>, <del>struck</del>, <u>underlined</u> and <code>inline code</code>.</p>',
  '<pre><code class="language-ts">const answer: number = 42;\nconsole.log(answer);</code></pre>',
  '<ul><li>First item</li><li>Second item<ol><li>Nested one</li></ol></li></ul>',
  '<blockquote><p>A quotation, with a <a href="https://spec.matrix.org/">link to the spec</a>.</p></blockquote>',
  '<table><thead><tr><th>Name</th><th>Score</th></tr></thead><tbody><tr><td>Alice</td><td>3</td></tr><tr><td>Bob</td><td>5</td></tr></tbody></table>',
  '<p><font data-mx-color="#ff0000" data-mx-bg-color="#ffff00">Red on yellow</font> and ',
  '<span data-mx-color="#0000ff">blue text</span>, a spoiler: <span data-mx-spoiler="plot">Snape kills Dumbledore</span>.</p>',
  '<p>An inline image: <img src="@INLINE@" alt="inline picture" width="16" height="16"></p>',
].join('');

export const HOSTILE_HTML = [
  '<p>Hostile HTML follows.</p>',
  '<script>alert("xss-script")</script>',
  '<img src=x onerror="alert(\'xss-onerror\')">',
  '<a href="javascript:alert(\'xss-href\')">click me</a>',
  '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
  '<iframe src="https://evil.example.org/frame"></iframe>',
  '<style>body { display: none }</style>',
  '<svg onload="alert(\'xss-svg\')"><circle r="10"></circle></svg>',
  '<p title="x" onmouseover="alert(\'xss-attr\')">hover</p>',
  '<a href="https://example.org/" style="position:fixed;top:0">styled link</a>',
  '<img src="https://evil.example.org/tracker.png" alt="remote image">',
  '<form action="https://evil.example.org/"><input name="q"></form>',
  '<p>"><script>alert("breakout")</script></p>',
  '<a href="https://example.org/&quot;&gt;&lt;script&gt;alert(\'xss-href-breakout\')&lt;/script&gt;">attribute breakout</a>',
  '<img src="@INLINE@&quot; onerror=&quot;alert(\'xss-src-breakout\')" alt="x&quot; onload=&quot;alert(1)">',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
  '<object data="https://evil.example.org/x.swf"></object><embed src="https://evil.example.org/x.swf">',
].join('');

export interface LobbyMessages {
  events: Record<string, string>;
  media: Record<string, string>;
}

export async function seedLobbyMessages(users: Users, roomId: string): Promise<LobbyMessages> {
  const { seeder, alice, bob, carol, dave } = users;
  const events: Record<string, string> = {};
  const media: Record<string, string> = {};
  const msg = (c: Record<string, unknown>): Record<string, unknown> => c;

  events['text'] = await send(alice, roomId, 'm.room.message', msg({
    msgtype: 'm.text',
    body: 'Hello, lobby!\nThe spec lives at https://spec.matrix.org/latest/ for anyone curious.\nThird line & <angle brackets>.',
  }));

  const inline = png(16, 16, [200, 30, 30], [30, 30, 200]);
  media['inlineImage'] = await upload(bob, 'inline.png', 'image/png', inline);
  events['formatted'] = await send(bob, roomId, 'm.room.message', msg({
    msgtype: 'm.text',
    body: 'Release notes\n\nBold, italic, code and more (formatted).',
    format: 'org.matrix.custom.html',
    formatted_body: FORMATTED_HTML.replace('@INLINE@', media['inlineImage']),
  }));

  events['hostileHtml'] = await send(carol, roomId, 'm.room.message', msg({
    msgtype: 'm.text',
    body: 'Hostile HTML follows. <script>alert("xss-plain")</script>',
    format: 'org.matrix.custom.html',
    formatted_body: HOSTILE_HTML.replace('@INLINE@', media['inlineImage']),
  }));

  events['notice'] = await send(seeder, roomId, 'm.room.message', msg({
    msgtype: 'm.notice',
    body: 'Notice: this room is seeded for tests.',
  }));
  events['emote'] = await send(alice, roomId, 'm.room.message', msg({ msgtype: 'm.emote', body: 'waves at everyone' }));

  const image = png(64, 48, [255, 140, 0], [120, 0, 160]);
  const thumb = png(32, 24, [255, 140, 0], [120, 0, 160]);
  media['image'] = await upload(alice, 'sunset.png', 'image/png', image);
  media['imageThumbnail'] = await upload(alice, 'sunset-thumb.png', 'image/png', thumb);
  events['image'] = await send(alice, roomId, 'm.room.message', msg({
    msgtype: 'm.image',
    body: 'sunset.png',
    url: media['image'],
    info: {
      w: 64, h: 48, size: image.length, mimetype: 'image/png',
      thumbnail_url: media['imageThumbnail'],
      thumbnail_info: { w: 32, h: 24, size: thumb.length, mimetype: 'image/png' },
    },
  }));

  const file = Buffer.from('Meeting notes\n=============\n\n1. Seed the homeserver.\n2. Render it.\n');
  media['file'] = await upload(bob, 'notes.txt', 'text/plain', file);
  events['file'] = await send(bob, roomId, 'm.room.message', msg({
    msgtype: 'm.file',
    body: 'notes.txt',
    filename: 'notes.txt',
    url: media['file'],
    info: { size: file.length, mimetype: 'text/plain' },
  }));

  const audio = wav(500);
  media['audio'] = await upload(carol, 'tone.wav', 'audio/wav', audio);
  events['audio'] = await send(carol, roomId, 'm.room.message', msg({
    msgtype: 'm.audio',
    body: 'tone.wav',
    url: media['audio'],
    info: { duration: 500, size: audio.length, mimetype: 'audio/wav' },
  }));

  const video = fakeVideo();
  media['video'] = await upload(dave, 'clip.mp4', 'video/mp4', video);
  events['video'] = await send(dave, roomId, 'm.room.message', msg({
    msgtype: 'm.video',
    body: 'clip.mp4',
    url: media['video'],
    info: {
      duration: 2000, w: 64, h: 48, size: video.length, mimetype: 'video/mp4',
      thumbnail_url: media['imageThumbnail'],
      thumbnail_info: { w: 32, h: 24, size: thumb.length, mimetype: 'image/png' },
    },
  }));

  events['location'] = await send(dave, roomId, 'm.room.message', msg({
    msgtype: 'm.location',
    body: 'Big Ben, London',
    geo_uri: 'geo:51.5007,-0.1246;u=35',
  }));

  const sticker = png(48, 48, [0, 180, 90], [0, 90, 180]);
  media['sticker'] = await upload(bob, 'sticker.png', 'image/png', sticker);
  events['sticker'] = await send(bob, roomId, 'm.sticker', msg({
    body: 'A green square sticker',
    url: media['sticker'],
    info: { w: 48, h: 48, size: sticker.length, mimetype: 'image/png' },
  }));

  events['encrypted'] = await send(dave, roomId, 'm.room.encrypted', msg({
    algorithm: 'm.megolm.v1.aes-sha2',
    ciphertext: 'AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg2yyOwAtHaZTwyNg37afzg8f3r9IsN9rH4RNFg',
    sender_key: 'peI8QOqMSvGeJgMXUVpzcmh1AuAMqNhp7Vr3ylGR/Qk',
    session_id: 'k4ElmbE3fyoDfKlqfbRCuCqHkUX1OinIzM31a5vrVqU',
    device_id: 'SEEDDEVICE',
  }));
  events['unknownType'] = await send(carol, roomId, 'org.example.unknown', msg({
    body: 'An event of a type nobody knows',
    answer: 42,
  }));
  events['malformedImage'] = await send(dave, roomId, 'm.room.message', msg({
    msgtype: 'm.image',
    body: 'broken.png',
    url: 12345,
  }));
  return { events, media };
}
