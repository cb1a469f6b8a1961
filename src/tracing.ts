/**
 * Tracing switch, the first import of src/server.ts: instrumentation must patch http, express, pg
 * and ioredis before anything requires them, so this runs before the config is loaded and reads
 * its one setting itself. When OTEL_EXPORTER_OTLP_ENDPOINT is unset nothing is loaded or patched
 * (the @opentelemetry/api calls in the code are then no-ops).
 */
import type * as Sdk from './infra/tracing/sdk';

let stop: (() => Promise<void>) | undefined;

// eslint-disable-next-line no-restricted-properties -- read before config.ts and all it imports load
const env = process.env;
if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous: an import() would finish after server.ts's own imports
  const sdk = require('./infra/tracing/sdk') as typeof Sdk;
  stop = sdk.startTracing(env);
}

/** Flushes the spans still buffered; on graceful shutdown, after the server has stopped. */
export async function stopTracing(): Promise<void> {
  const running = stop;
  stop = undefined;
  await running?.();
}
