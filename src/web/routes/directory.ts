import { Router } from 'express';
import { BadRequest } from '../../errors.js';
import type { DirectoryPageLoader } from '../../rooms/directory-page.js';
import { buildDirectoryPage, type DirectoryContext } from '../../view/directory.js';
import { isServerName } from '../../matrix/ids.js';
import { queryString } from '../query.js';
import type { Renderer } from '../render.js';
import { sendPage, type Freshness } from '../http-cache.js';

export interface DirectoryRouteDeps {
  directoryPages: DirectoryPageLoader;
  renderer: Renderer;
  context: Omit<DirectoryContext, 'widgetState'>;
  /** Cache-Control of the directory: a live page. */
  freshness: Freshness;
}

/** `/`: the public room directory, searched, of another server, paged by the directory's tokens. */
export function directoryRoutes(deps: DirectoryRouteDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const search = queryString(req, 'q', 200);
    const server = queryString(req, 'server', 255);
    const since = queryString(req, 'since', 2000);
    if (server !== undefined && !isServerName(server)) {
      throw new BadRequest('The “server” parameter must be a Matrix server name, such as matrix.org.');
    }
    // Our own server's name in ?server= asks for the default directory; one URL for it.
    const otherServer = server && server !== deps.context.defaultServer ? server : undefined;
    const view = buildDirectoryPage(await deps.directoryPages.load({ search, server: otherServer, since }), deps.context);
    sendPage(req, res, deps.renderer.render('directory', view), { ...deps.freshness, noindex: view.meta.noindex });
  });
  return router;
}
