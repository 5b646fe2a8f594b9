import { Router } from 'express';
import type { HomeserverClient } from '../../matrix/client.js';

/**
 * `/healthz` says the process serves (for Heroku and load balancers: it never calls the
 * homeserver, so a homeserver outage does not get healthy dynos restarted). `/readyz` says
 * whether the homeserver answered lately.
 */
export function healthRoutes(deps: { client: Pick<HomeserverClient, 'health' | 'load'> }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').type('text/plain').send('ok\n');
  });
  router.get('/readyz', (_req, res) => {
    const { lastSuccessAt, lastFailureAt, lastFailure } = deps.client.health;
    const down = lastFailureAt !== undefined && (lastSuccessAt === undefined || lastFailureAt > lastSuccessAt);
    res
      .status(down ? 503 : 200)
      .set('Cache-Control', 'no-store')
      .json({ homeserver: down ? 'down' : 'up', lastFailure: down ? lastFailure : undefined, load: deps.client.load });
  });
  return router;
}
