/** What the layout needs to know about every page: its head, for people and crawlers. */
export interface PageMeta {
  title: string;
  description: string;
  /** Absolute URL. */
  canonical: string | undefined;
  noindex: boolean;
  /** With noindex: links may still be followed (`noindex, follow`), for pages meant for people. */
  follow?: boolean;
  /** Site-relative links for rel="prev"/"next". */
  prev?: string | undefined;
  next?: string | undefined;
  /** Absolute URL of the OpenGraph image, if any. */
  image?: string | undefined;
  /** Feeds offered with rel="alternate". */
  alternates?: Array<{ href: string; type: string; title: string }>;
}

/** Collapses whitespace and cuts at a word boundary, for titles and descriptions. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
