/**
 * Tracing switch, the first import of src/server.ts: instrumentation must patch http, express, pg
 * and ioredis before anything requires them. When OTEL_EXPORTER_OTLP_ENDPOINT is unset nothing is
 * loaded or patched (the @opentelemetry/api calls in the code are then no-ops).
 */
let stop: (() => Promise<void>) | undefined;

if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  // A synchronous require on purpose: an import() would finish after server.ts's own imports.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./infra/tracing/sdk') as typeof import('./infra/tracing/sdk');
  stop = sdk.startTracing(process.env);
}

/** Flushes the spans still buffered; on graceful shutdown, after the server has stopped. */
export async function stopTracing(): Promise<void> {
  const running = stop;
  stop = undefined;
  await running?.();
}
