import { describe, expect, it } from 'vitest';
import {
  MAX_FORMATTED_LENGTH,
  hexColour,
  plainExcerpt,
  renderPlainBody,
  safeHref,
  sanitizeFormattedBody as clean,
  stripPlainReplyFallback,
} from '../../src/view/html.js';

const REL = 'rel="nofollow ugc noopener"';

describe('sanitizeFormattedBody: tags and attributes', () => {
  it('keeps the spec subset and drops everything else, keeping text', () => {
    expect(clean('<p><b>b</b> <i>i</i> <u>u</u> <s>s</s> <del>d</del> <sup>1</sup><sub>2</sub></p>')).toBe(
      '<p><b>b</b> <i>i</i> <u>u</u> <s>s</s> <del>d</del> <sup>1</sup><sub>2</sub></p>',
    );
    expect(clean('<table><caption>c</caption><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>'))
      .toBe('<table><caption>c</caption><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>');
    expect(clean('<article><mark>kept text</mark></article>')).toBe('kept text');
    expect(clean('a<hr>b<br>c')).toBe('a<hr />b<br />c');
  });

  it('drops ids, classes, styles and handlers', () => {
    expect(clean('<p id="x" class="y" style="color:red" onclick="z()">t</p>')).toBe('<p>t</p>');
  });

  it('drops script, style and other non-text containers with their content', () => {
    expect(clean('a<script>x()</script><style>p{}</style><svg><text>s</text></svg><iframe>i</iframe>b')).toBe('ab');
  });

  it('keeps only language-* classes on code', () => {
    expect(clean('<pre><code class="language-rust evil">fn</code></pre>')).toBe('<pre><code class="language-rust">fn</code></pre>');
    expect(clean('<code class="evil">x</code>')).toBe('<code>x</code>');
  });

  it('keeps a numeric ol start only', () => {
    expect(clean('<ol start="4"><li>x</li></ol>')).toBe('<ol start="4"><li>x</li></ol>');
    expect(clean('<ol start="4x" type="a"><li>x</li></ol>')).toBe('<ol><li>x</li></ol>');
  });

  it('drops data-mx-maths and keeps the fallback content', () => {
    expect(clean('<div data-mx-maths="x^2">x²</div><span data-mx-maths="y">y</span>')).toBe('<div>x²</div><span>y</span>');
  });

  it('closes what it opens, so a body cannot swallow the page', () => {
    expect(clean('<blockquote><p>open')).toBe('<blockquote><p>open</p></blockquote>');
    expect(clean('text</div></main>')).toBe('text');
  });
});

describe('sanitizeFormattedBody: colours', () => {
  it('renders a foreground colour as a span with our own inline colour, lower-cased', () => {
    expect(clean('<font color="#FF0000">r</font>')).toBe('<span style="color:#ff0000">r</span>');
    expect(clean('<font data-mx-color="#00ff00">g</font>')).toBe('<span style="color:#00ff00">g</span>');
    expect(clean('<span data-mx-color="#0000ff">b</span>')).toBe('<span style="color:#0000ff">b</span>');
  });

  it('renders a background colour as our own inline style', () => {
    expect(clean('<span data-mx-bg-color="#AbCdEf">x</span>')).toBe('<span style="background-color:#abcdef">x</span>');
    expect(clean('<font data-mx-color="#111111" data-mx-bg-color="#222222">x</font>')).toBe(
      '<span style="color:#111111;background-color:#222222">x</span>',
    );
  });

  it('ignores anything but #rrggbb and never passes user style through', () => {
    expect(clean('<font color="red">x</font>')).toBe('<span>x</span>');
    expect(clean('<span data-mx-color="#fff">x</span>')).toBe('<span>x</span>');
    expect(clean('<span data-mx-bg-color="#000000;background:url(x)">x</span>')).toBe('<span>x</span>');
    expect(clean('<span style="background-color:#000000">x</span>')).toBe('<span>x</span>');
    expect(clean('<span color="#000000">x</span>')).toBe('<span>x</span>');
  });
});

describe('sanitizeFormattedBody: spoilers', () => {
  it('turns a spoiler into details with a summary', () => {
    expect(clean('<span data-mx-spoiler>secret <b>x</b></span>')).toBe(
      '<details><summary>Spoiler</summary>secret <b>x</b></details>',
    );
  });

  it('puts the reason in the summary, escaped', () => {
    expect(clean('<span data-mx-spoiler="plot &amp; ending">x</span>')).toBe(
      '<details><summary>Spoiler: plot &amp; ending</summary>x</details>',
    );
    expect(clean('<span data-mx-spoiler="</summary><img src=x>">x</span>')).toBe(
      '<details><summary>Spoiler: &lt;/summary&gt;&lt;img src=x&gt;</summary>x</details>',
    );
  });

  it('cannot be forged with our internal marker', () => {
    expect(clean('<details data-msv-spoiler="forged">x</details>')).toBe('<details>x</details>');
  });

  it('keeps ordinary details and summary', () => {
    expect(clean('<details open><summary>s</summary>d</details>')).toBe('<details><summary>s</summary>d</details>');
  });
});

describe('sanitizeFormattedBody: images', () => {
  it('rewrites mxc images to the media proxy, keeping size and alt', () => {
    expect(clean('<img src="mxc://example.org/abc123" width="64" height="32" alt="cat" title="Cat">')).toBe(
      '<img src="/media/thumbnail/example.org/abc123?width=96&amp;height=96&amp;method=scale" alt="cat" title="Cat" width="64" height="32" />',
    );
  });

  it('bounds the size, keeping the aspect ratio', () => {
    expect(clean('<img src="mxc://example.org/a" width="4000" height="2000">')).toBe(
      '<img src="/media/thumbnail/example.org/a?width=800&amp;height=600&amp;method=scale" alt="" width="800" height="400" />',
    );
    expect(clean('<img src="mxc://example.org/a" width="-5" height="abc">')).toBe(
      '<img src="/media/thumbnail/example.org/a?width=800&amp;height=600&amp;method=scale" alt="" />',
    );
  });

  it('drops images that are not valid mxc URIs', () => {
    expect(clean('a<img src="https://example.com/x.png">b')).toBe('ab');
    expect(clean('a<img src="mxc://evil/../x">b')).toBe('ab');
    expect(clean('a<img src="/media/thumbnail/x/y">b')).toBe('ab');
    expect(clean('a<img>b')).toBe('ab');
  });

  it('never keeps srcset', () => {
    expect(clean('<img src="mxc://example.org/a" srcset="https://example.com/x 2x">')).not.toContain('srcset');
  });
});

describe('sanitizeFormattedBody: links', () => {
  it.each([
    ['https://example.org/a?b=c#d', 'https://example.org/a?b=c#d'],
    ['http://example.org', 'http://example.org/'],
    ['ftp://example.org/f', 'ftp://example.org/f'],
    ['mailto:me@example.org', 'mailto:me@example.org'],
    ['magnet:?xt=urn:btih:abc', 'magnet:?xt=urn:btih:abc'],
    ['https://matrix.to/#/#room:example.org', 'https://matrix.to/#/#room:example.org'],
  ])('keeps %s with rel', (href, expected) => {
    expect(clean(`<a href="${href}" target="_blank" title="t">x</a>`)).toBe(`<a href="${expected}" ${REL}>x</a>`);
  });

  it.each([
    'javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'java&#x09;script:alert(1)',
    'data:text/html,x', 'vbscript:x', 'mxc://example.org/abc', '/relative', '//example.org/', '#frag', 'tel:123',
  ])('drops the href %s and keeps the text', (href) => {
    expect(clean(`<a href="${href}">text</a>`)).toBe('<span>text</span>');
  });

  it('replaces a user-supplied rel', () => {
    expect(clean('<a href="https://example.org/" rel="opener">x</a>')).toBe(`<a href="https://example.org/" ${REL}>x</a>`);
  });
});

describe('sanitizeFormattedBody: reply fallback, depth and size', () => {
  it('strips <mx-reply> with everything inside it', () => {
    const body = '<mx-reply><blockquote><a href="https://matrix.to/#/!r:x/$e">In reply to</a> '
      + '<a href="https://matrix.to/#/@a:x">@a:x</a><br><mx-reply>nested</mx-reply>quoted</blockquote></mx-reply>answer';
    expect(clean(body)).toBe('answer');
  });

  it('limits nesting depth', () => {
    const html = clean(`${'<b>'.repeat(150)}deep${'</b>'.repeat(150)}`);
    expect(html.split('<b>').length - 1).toBe(100);
    expect(html).toContain('deep');
  });

  it('caps very large bodies', () => {
    const html = clean(`<p>${'a'.repeat(MAX_FORMATTED_LENGTH * 2)}</p>`);
    expect(html.length).toBeLessThanOrEqual(MAX_FORMATTED_LENGTH + 10);
    expect(html.endsWith('</p>')).toBe(true);
  });
});

describe('safeHref and hexColour', () => {
  it('normalises and checks URLs', () => {
    expect(safeHref('HTTPS://Example.ORG')).toBe('https://example.org/');
    expect(safeHref('java\nscript:x')).toBeNull();
    expect(safeHref('https://')).toBeNull();
    expect(safeHref(`https://example.org/${'a'.repeat(3000)}`)).toBeNull();
  });

  it('accepts #rrggbb only', () => {
    expect(hexColour('#A0b1C2')).toBe('#a0b1c2');
    for (const bad of [undefined, '', 'red', '#fff', '#12345g', ' #123456', '#1234567', 'rgb(1,2,3)']) {
      expect(hexColour(bad)).toBeNull();
    }
  });
});

describe('stripPlainReplyFallback', () => {
  it('strips the fallback of a reply', () => {
    expect(stripPlainReplyFallback('> <@alice:example.org> hello\n> second line\n\nmy answer')).toBe('my answer');
    expect(stripPlainReplyFallback('> <@alice:example.org> hi\n>\n> more\n\nanswer\n\nmore')).toBe('answer\n\nmore');
    expect(stripPlainReplyFallback('> * <@alice:example.org> waves\r\n\r\nok')).toBe('ok');
  });

  it('leaves other quotes alone', () => {
    expect(stripPlainReplyFallback('> a quote\n\nmy answer')).toBe('> a quote\n\nmy answer');
    expect(stripPlainReplyFallback('> <@alice:example.org> no blank line\nanswer')).toBe(
      '> <@alice:example.org> no blank line\nanswer',
    );
    expect(stripPlainReplyFallback('plain')).toBe('plain');
  });
});

describe('renderPlainBody', () => {
  it('escapes and keeps line breaks', () => {
    expect(renderPlainBody('<b>a</b> & "b"\nc\r\nd')).toBe('&lt;b&gt;a&lt;/b&gt; &amp; &quot;b&quot;<br>\nc<br>\nd');
  });

  it('links URLs without swallowing trailing punctuation', () => {
    expect(renderPlainBody('see https://example.org/a.')).toBe(
      `see <a href="https://example.org/a" ${REL}>https://example.org/a</a>.`,
    );
    expect(renderPlainBody('(https://en.wikipedia.org/wiki/Foo_(bar)), ok')).toBe(
      `(<a href="https://en.wikipedia.org/wiki/Foo_(bar)" ${REL}>https://en.wikipedia.org/wiki/Foo_(bar)</a>), ok`,
    );
    expect(renderPlainBody('"http://example.org/?a=1&b=2"!')).toBe(
      `&quot;<a href="http://example.org/?a=1&amp;b=2" ${REL}>http://example.org/?a=1&amp;b=2</a>&quot;!`,
    );
  });

  it('links www. hosts, ftp and mailto', () => {
    expect(renderPlainBody('www.example.org')).toBe(`<a href="https://www.example.org/" ${REL}>www.example.org</a>`);
    expect(renderPlainBody('ftp://example.org/f')).toBe(`<a href="ftp://example.org/f" ${REL}>ftp://example.org/f</a>`);
    expect(renderPlainBody('mailto:me@example.org')).toBe(`<a href="mailto:me@example.org" ${REL}>mailto:me@example.org</a>`);
  });

  it('does not link Matrix IDs, bare addresses or other schemes', () => {
    const text = '@alice:example.org #room:example.org !id:example.org me@example.org javascript:alert(1)';
    expect(renderPlainBody(text)).toBe(text);
  });

  it('strips the reply fallback', () => {
    expect(renderPlainBody('> <@alice:example.org> hi\n\nanswer')).toBe('answer');
  });
});

describe('plainExcerpt', () => {
  it('collapses whitespace and strips the reply fallback', () => {
    expect(plainExcerpt('> <@a:example.org> q\n\n  hello \n\n world  ', 100)).toBe('hello world');
  });

  it('cuts at a word boundary with an ellipsis, within max', () => {
    const excerpt = plainExcerpt('The quick brown fox jumps over the lazy dog', 20);
    expect(excerpt).toBe('The quick brown fox…');
    expect(Array.from(excerpt).length).toBeLessThanOrEqual(20);
    expect(plainExcerpt('The quick brown fox jumps', 12)).toBe('The quick…');
  });

  it('cuts a long word and never splits a surrogate pair', () => {
    expect(plainExcerpt('abcdefghijklmnop', 5)).toBe('abcd…');
    expect(plainExcerpt('😀😀😀😀😀😀', 4)).toBe('😀😀😀…');
  });

  it('returns no HTML handling: markup stays as text for the template to escape', () => {
    expect(plainExcerpt('<b>x</b>', 50)).toBe('<b>x</b>');
  });
});

describe('spoilers in phrasing content', () => {
  it('turns the paragraphs around a spoiler into divs, so <details> stays valid', () => {
    expect(clean('<p>a spoiler: <span data-mx-spoiler>plot</span>.</p>')).toBe(
      '<div class="p">a spoiler: <details><summary>Spoiler</summary>plot</details>.</div>',
    );
  });

  it('shows a spoiler inside inline formatting as a labelled inline span', () => {
    expect(clean('<b>x <span data-mx-spoiler="why">secret</span></b>')).toBe(
      '<b>x <span class="spoiler"><span class="spoiler-label">(Spoiler: why)</span> <span class="spoiler-text">secret</span></span></b>',
    );
  });

  it('leaves spoilers in flow content as <details>', () => {
    expect(clean('<ul><li><span data-mx-spoiler>in li</span></li></ul>')).toBe('<ul><li><details><summary>Spoiler</summary>in li</details></li></ul>');
  });

  it('removes an unusable image whole, leaving no stray end tag', () => {
    expect(clean('<p>ok <img src="https://elsewhere.example/x.png"> end</p>')).toBe('<p>ok  end</p>');
  });
});

describe('balance after a dropped image', () => {
  it('keeps the markup after an unusable image balanced', () => {
    expect(clean('<img src="https://evil.example/t.png"><form action="https://evil.example/"><input name="q"></form><p>x</p>')).toBe('<p>x</p>');
  });
});

describe('links that say one thing and go to another', () => {
  it('does not link a URL with credentials, in formatted and plain bodies, and keeps the text', () => {
    expect(clean('<a href="https://bank.example@evil.example/login">log in</a>')).toBe('<span>log in</span>');
    expect(clean('<a href="https://user:pw@example.org/">x</a>')).toBe('<span>x</span>');
    expect(renderPlainBody('see https://bank.example@evil.example/login')).toBe('see https://bank.example@evil.example/login');
    expect(safeHref('https://bank.example@evil.example/')).toBeNull();
  });

  it('shows the real host after a link whose text is an address on another host', () => {
    expect(clean('<a href="https://evil.example/login">https://bank.example/login</a>')).toBe(
      `<a href="https://evil.example/login" ${REL}>https://bank.example/login</a> <span class="link-host">(evil.example)</span>`,
    );
    expect(clean('<a href="https://evil.example/">www.bank.example</a>')).toContain('(evil.example)');
    expect(clean('<a href="https://evil.example/"><b>bank.example</b>/login</a>')).toContain('(evil.example)');
  });

  it('shows nothing more when the text is no address, or the same host', () => {
    expect(clean('<a href="https://example.org/a">read this</a>')).toBe(`<a href="https://example.org/a" ${REL}>read this</a>`);
    expect(clean('<a href="https://example.org/a">https://EXAMPLE.org/b</a>')).not.toContain('link-host');
    expect(clean('<a href="mailto:a@example.org">a@example.org</a>')).not.toContain('link-host');
  });
});

describe('the content model', () => {
  it('keeps list items in lists, and lists holding only items', () => {
    expect(clean('<ol><li><div><li>x</li></div></li></ol>after')).toBe('<ol><li><div><ul><li>x</li></ul></div></li></ol>after');
    expect(clean('<ul>loose<li>a</li></ul>')).toBe('<ul><li>loose</li><li>a</li></ul>');
  });

  it('puts every table part in its place', () => {
    expect(clean('<table><tr><td>a</td></tr>loose<td>b</td></table>')).toBe('<table><tbody><tr><td>a</td></tr><tr><td>loose</td><td>b</td></tr></tbody></table>');
    expect(clean('<td>cell</td><tr>row</tr>')).toBe('cellrow');
  });

  it('keeps blocks out of phrasing content, on lines of their own', () => {
    expect(clean('<b>a<div>b</div>c</b>')).toBe('<b>a<br />bc</b>');
    expect(clean('<p>a<ul><li>b</li></ul></p>')).toBe('<p>a</p><ul><li>b</li></ul><p></p>');
    expect(clean('<h1>a<h2>b</h2></h1>')).toBe('<h1>a</h1><h2>b</h2>');
  });

  it('never nests a link in a link', () => {
    expect(clean('<a href="https://a.example/"><span><a href="https://b.example/">x</a></span></a>')).toBe(
      `<a href="https://a.example/" ${REL}><span>x</span></a>`,
    );
  });

  it('keeps a summary first in its details', () => {
    expect(clean('<details>text<summary>s</summary></details>')).toBe('<details><summary>s</summary>text</details>');
  });

  it('hides whatever a spoiler holds, inline or as details', () => {
    expect(clean('<b><span data-mx-spoiler><table><tr><td>t</td></tr></table></span></b>')).toBe(
      '<b><span class="spoiler"><span class="spoiler-label">(Spoiler)</span> <span class="spoiler-text">t</span></span></b>',
    );
    expect(clean('<span data-mx-spoiler><ul><li>x</li></ul></span>')).toBe('<details><summary>Spoiler</summary><ul><li>x</li></ul></details>');
  });
});

describe('NUL and lone surrogates in bodies', () => {
  it('never reach the page from either renderer', () => {
    expect(clean('<b>a\u0000b\ud800</b>')).toBe('<b>ab\ufffd</b>');
    expect(renderPlainBody('a\u0000b\udfff')).toBe('ab\ufffd');
  });
});
