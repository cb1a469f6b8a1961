import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * CORS for the browsers of `allowedOrigins`. Only a cross-origin request from a browser carries an
 * Origin header (a preflight always does), so the others skip the cors package's per-request work:
 * they get just the Vary header it would have set, which keeps a shared cache from handing one
 * origin's answer to another.
 */
export function crossOrigin(allowedOrigins: string[]): RequestHandler {
  const policy = cors({
    origin: allowedOrigins,
    // Mcp-Protocol-Version and WWW-Authenticate: a browser-based MCP client (docs/mcp.md) sends the one
    // and must read the other's pointer to the protected-resource metadata.
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'traceparent', 'Mcp-Protocol-Version'],
    exposedHeaders: [
      'X-Request-Id',
      'Idempotent-Replayed',
      'Retry-After',
      'RateLimit',
      'RateLimit-Policy',
      'WWW-Authenticate',
      'OCP-Next-Cursor',
    ],
  });
  return (req, res, next) => {
    if (req.headers.origin !== undefined) return policy(req, res, next);
    res.setHeader('Vary', 'Origin');
    next();
  };
}
