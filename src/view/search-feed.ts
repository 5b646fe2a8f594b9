import { absoluteUrl } from './urls.js';
import type { SearchPageView } from './search.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const xml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);

/** A search as Atom: the newest matches, each linking to its day page. */
export function buildSearchFeed(view: SearchPageView, publicUrl: string, selfPath: string): string {
  const updated = view.results.reduce((max, r) => (r.isoTime > max ? r.isoTime : max), '1970-01-01T00:00:00.000Z');
  const entries = view.results.map(
    (r) => `  <entry>
    <id>${xml(absoluteUrl(publicUrl, r.permalink))}</id>
    <title>${xml(`${r.senderName} in ${r.roomLabel}`)}</title>
    <author><name>${xml(r.senderName)}</name><uri>${xml(`https://matrix.to/#/${r.senderId}`)}</uri></author>
    <updated>${r.isoTime}</updated>
    <link rel="alternate" type="text/html" href="${xml(absoluteUrl(publicUrl, r.dayHref))}"/>
    <content type="html">${xml(r.snippet)}</content>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(absoluteUrl(publicUrl, selfPath))}</id>
  <title>${xml(view.meta.title)}</title>
  <updated>${updated}</updated>
  <link rel="self" href="${xml(absoluteUrl(publicUrl, selfPath))}"/>
  <link rel="alternate" type="text/html" href="${xml(absoluteUrl(publicUrl, selfPath.replace('/search.atom', '/search')))}"/>
${entries.join('\n')}
</feed>
`;
}
