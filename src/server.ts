// First: with OTEL_EXPORTER_OTLP_ENDPOINT set, instrumentation must patch modules before they load.
import { stopTracing } from './tracing';
import { ConfigError, loadConfig, startupWarnings } from './config/config';
import { createContainer } from './container';
import { shutdownOnSignals, startServer } from './http/server-lifecycle';
import { DataDirLocked } from './infra/db/data-dir-lock';
import { DatabaseStartupTimeout } from './infra/db/wait-for-database';

async function main(): Promise<void> {
  const config = loadConfig();
  const container = await createContainer(config);
  for (const warning of startupWarnings(config)) container.logger.warn(`SECURITY WARNING: ${warning}`);
  const running = await startServer(container.app, {
    host: config.HOST,
    port: config.PORT,
    ...(config.TLS_CERT_FILE && config.TLS_KEY_FILE ? { tls: { certFile: config.TLS_CERT_FILE, keyFile: config.TLS_KEY_FILE } } : {}),
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    logger: container.logger,
    // GraphQL subscriptions: their clients reconnect (to another instance) once the socket closes.
    onDraining: () => container.graphqlSubscriptions.close(),
    onStopped: () => container.close().finally(() => stopTracing()),
  }).catch(async (error: unknown) => {
    await container.close();
    await stopTracing();
    throw error;
  });
  container.graphqlSubscriptions.attach(running.server);
  container.logger.info('ready', { database: container.db.engine, cache: config.REDIS_URL ? 'redis' : 'memory' });
  shutdownOnSignals(running);
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad configuration), so this is the one place that writes to stderr.
  const message =
    error instanceof ConfigError || error instanceof DataDirLocked || error instanceof DatabaseStartupTimeout
      ? error.message
      : `Start-up failed: ${(error as Error)?.stack ?? error}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
