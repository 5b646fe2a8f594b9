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

/** The layout's head, decided: the robots line, and the feeds (none when unset). */
export interface PageHead extends PageMeta {
  /** `noindex, follow` or `noindex, nofollow`; undefined for an indexable page. */
  robots: string | undefined;
  alternates: Array<{ href: string; type: string; title: string }>;
}

export function pageHead(meta: PageMeta): PageHead {
  return { ...meta, robots: meta.noindex ? `noindex, ${meta.follow ? 'follow' : 'nofollow'}` : undefined, alternates: meta.alternates ?? [] };
}
