import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../infra/logger';

const ABANDONED_POLL_MS = 20;

export interface ServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Both set: an HTTPS listener that refuses anything older than TLS 1.3. */
  tls?: { certFile: string; keyFile: string };
  /** How long in-flight requests may run after shutdown starts before their connections are cut. */
  shutdownTimeoutMs: number;
  logger: Logger;
  /**
   * Runs when shutdown starts: ends what the server does not track as requests (WebSocket
   * connections, which would otherwise hold the drain until shutdownTimeoutMs).
   */
  onDraining?: () => Promise<void>;
  /** Runs once every connection is gone: closes the pools. */
  onStopped?: () => Promise<void>;
}

export interface RunningServer {
  readonly server: http.Server;
  readonly url: string;
  readonly port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish within shutdownTimeoutMs (then cuts
   * what is left), waits as long for handlers whose client left to end, and runs onStopped. Calling
   * it again returns the same promise.
   */
  shutdown(reason?: string): Promise<void>;
}

export async function startServer(app: http.RequestListener, options: ServerOptions): Promise<RunningServer> {
  const server = options.tls
    ? https.createServer({ cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile), minVersion: 'TLSv1.3' }, app)
    : http.createServer(app);

  // A keep-alive connection would otherwise outlive shutdown by up to keepAliveTimeout: once draining,
  // every response not yet started says "Connection: close", so its socket ends with the response.
  let draining = false;
  const inFlight = new Set<http.ServerResponse>();
  // A request whose client left before its reply began closes its connection, so server.close() no
  // longer waits for it, yet its handler may still be at work (a grouped lookup, a posting): shutdown
  // waits for such handlers to end their replies before the pools close under them.
  const abandoned = new Set<http.ServerResponse>();
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      if (abandoned.size > 0) forgetEnded(abandoned);
      if (atWork(res)) abandoned.add(res);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://${urlHost(options.host)}:${port}`;
  options.logger.info('listening', { url });

  let stopping: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown') => {
    stopping ??= (async () => {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      await options.onDraining?.();
      const deadline = Date.now() + options.shutdownTimeoutMs;
      await closeConnections(server, options, reason);
      // A connection may be gone before its reply's 'close' event has been emitted.
      for (const res of inFlight) if (atWork(res)) abandoned.add(res);
      await handlersEnded(abandoned, deadline);
      await options.onStopped?.();
      options.logger.info('stopped', { reason });
    })();
    return stopping;
  };
  return { server, url, port, shutdown };
}

function closeConnections(server: http.Server, { logger, shutdownTimeoutMs }: ServerOptions, reason: string): Promise<void> {
  logger.info('shutting down', { reason, inFlightTimeoutMs: shutdownTimeoutMs });
  return new Promise((resolve) => {
    const cut = setTimeout(() => {
      logger.warn('shutdown timed out; closing the remaining connections', { timeoutMs: shutdownTimeoutMs });
      server.closeAllConnections();
    }, shutdownTimeoutMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** A reply not begun and not ended: its handler is still at work (a started stream's need never end). */
function atWork(res: http.ServerResponse): boolean {
  return !res.headersSent && !res.writableEnded;
}

/** Node tells no one when a reply to a departed client is ended, so look until none is left. */
async function handlersEnded(abandoned: Set<http.ServerResponse>, deadline: number): Promise<void> {
  while (forgetEnded(abandoned) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, ABANDONED_POLL_MS));
}

/** Forgets the replies whose handlers have ended or begun them; returns how many are still at work. */
function forgetEnded(abandoned: Set<http.ServerResponse>): number {
  for (const res of abandoned) if (!atWork(res)) abandoned.delete(res);
  return abandoned.size;
}

/**
 * SIGTERM or SIGINT starts a graceful shutdown and exits 0 when it is done (1 if it failed);
 * a second signal exits 1 at once. Returns a function that removes the handlers.
 */
export function shutdownOnSignals(
  running: Pick<RunningServer, 'shutdown'>,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return exit(1);
    signalled = true;
    running.shutdown(signal).then(
      () => exit(0),
      () => exit(1),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
