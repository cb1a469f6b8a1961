import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { ConfigError, loadConfig, type Config } from './config/config';
import { createContainer, type Container } from './container';

function listen(container: Container, config: Config): http.Server {
  const tls = config.TLS_CERT_FILE && config.TLS_KEY_FILE;
  const server = tls
    ? https.createServer(
        {
          cert: readFileSync(config.TLS_CERT_FILE!),
          key: readFileSync(config.TLS_KEY_FILE!),
          minVersion: 'TLSv1.3',
        },
        container.app,
      )
    : http.createServer(container.app);
  server.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    container.logger.info('listening', {
      url: `${tls ? 'https' : 'http'}://${config.HOST}:${port}`,
      database: container.db.engine,
      cache: config.REDIS_URL ? 'redis' : 'memory',
    });
  });
  return server;
}

/**
 * Stops accepting connections, lets in-flight requests finish within SHUTDOWN_TIMEOUT_MS, then
 * closes the pools. A second signal, or the timeout, ends the process at once.
 */
function shutdownOnSignals(server: http.Server, container: Container, timeoutMs: number): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    container.logger.info('shutting down', { signal });
    const deadline = setTimeout(() => {
      container.logger.error('shutdown timed out; closing remaining connections');
      server.closeAllConnections();
    }, timeoutMs);
    deadline.unref();
    server.close(async () => {
      clearTimeout(deadline);
      await container.close();
      container.logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

async function main(): Promise<void> {
  const config = loadConfig();
  const container = await createContainer(config);
  const server = listen(container, config);
  shutdownOnSignals(server, container, config.SHUTDOWN_TIMEOUT_MS);
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad configuration), so this is the one place that writes to stderr.
  const message = error instanceof ConfigError ? error.message : `Start-up failed: ${(error as Error)?.stack ?? error}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
