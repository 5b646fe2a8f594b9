import { Eta } from 'eta';
import type { Response } from 'express';
import { templatesDir } from '../paths.js';
import { pageHead } from '../view/page.js';
import type { Views } from '../view/views.js';

export interface SiteInfo {
  name: string;
  homeserver: string;
  /** The homeserver's server name, as in `@user:server`; found out at start. */
  serverName: string;
  stylesheet: string;
  favicon: string;
}

export interface Renderer {
  /** Renders the page template `name` with its view; the layout gets `meta` and `site`. */
  render<K extends keyof Views>(name: K, view: Views[K]): string;
  readonly site: SiteInfo;
}

/**
 * The template engine, configured once: autoescape on (eta's default, kept explicit), and
 * template caching in production only, so templates can be edited while developing.
 */
export function createRenderer(site: SiteInfo, production: boolean): Renderer {
  const eta = new Eta({ views: templatesDir, autoEscape: true, cache: production, autoTrim: [false, 'nl'] });
  return {
    site,
    render(name, view) {
      return eta.render(`./${name}`, { view, meta: pageHead(view.meta), site });
    },
  };
}

export function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).type('html').send(html);
}
