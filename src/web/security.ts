import type { ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

export type HeaderList = ReadonlyArray<readonly [string, string]>;

/**
 * The security headers, as helmet makes them. No script may ever run on our pages; the only
 * inline styles are the background colours the sanitiser builds from validated `#rrggbb`
 * values, hence `style-src-attr 'unsafe-inline'` and nothing looser.
 *
 * With this configuration (no nonces) helmet sets the same headers on every response, so they
 * are recorded once, from helmet itself, and every answer sets the list: the routes through
 * `securityHeaders`, and the cache hits in front of express (web/hit-path.ts).
 */
export function securityHeaderList(publicUrl: string): HeaderList {
  const https = publicUrl.startsWith('https:');
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'none'"],
        styleSrc: ["'self'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'"],
        // Harmless without scripts, and lets auditing tools read /robots.txt from the page.
        connectSrc: ["'self'"],
        mediaSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xContentTypeOptions: true,
  });
  const recorded: Array<[string, string]> = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      recorded.push([name, String(value)]);
    },
    // X-Powered-By: express's is disabled already.
    removeHeader() {},
  };
  let done = false;
  middleware({} as never, recorder as unknown as ServerResponse, () => (done = true));
  if (!done) throw new Error('helmet did not set its headers synchronously');
  return recorded;
}

export function securityHeaders(list: HeaderList): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of list) res.setHeader(name, value);
    next();
  };
}
