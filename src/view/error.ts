import type { PageMeta } from './page.js';

const HEADINGS: Record<number, string> = {
  400: 'That address is not valid',
  403: 'This room cannot be shown',
  404: 'Not found',
  429: 'Too many requests',
  500: 'Something went wrong',
  502: 'The homeserver gave a bad answer',
  503: 'The homeserver is unavailable',
  504: 'The homeserver took too long',
};

export interface ErrorView {
  meta: PageMeta;
  status: number;
  heading: string;
  explanation: string;
  retryAfter: number | undefined;
}

export function buildErrorView(status: number, explanation: string, siteName: string, retryAfter?: number): ErrorView {
  const heading = HEADINGS[status] ?? 'Something went wrong';
  return {
    // Error pages are never indexed and have no canonical URL.
    meta: { title: `${heading} · ${siteName}`, description: explanation, canonical: undefined, noindex: true },
    status,
    heading,
    explanation,
    retryAfter,
  };
}
