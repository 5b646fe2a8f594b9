import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * Security headers via helmet. No script may ever run on our pages; the only inline styles
 * are the background colours the sanitiser builds from validated `#rrggbb` values, hence
 * `style-src-attr 'unsafe-inline'` and nothing looser.
 */
export function securityHeaders(publicUrl: string): RequestHandler {
  const https = publicUrl.startsWith('https:');
  return helmet({
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
}
