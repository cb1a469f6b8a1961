import type { IncomingMessage } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanKind, type Context } from '@opentelemetry/api';
import { BatchSpanProcessor, NodeTracerProvider, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { RUN_ATTRIBUTE, RUN_WORK_ATTRIBUTE } from './spans';

/** Probes and scrapes answered many times a minute: no trace worth keeping. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * URL attributes the http instrumentation records, incoming and outgoing. A query string can hold
 * a token (`?token=`), so each keeps its path only, and `url.query` is dropped. An outgoing call's
 * path can hold a secret too (an RPC node's `/v3/<API key>`, a provider's `/tokens/<token id>`):
 * its URLs keep only the origin.
 */
const URL_ATTRIBUTES = ['http.url', 'http.target', 'url.full', 'url.path'];
const DROPPED_ATTRIBUTES = ['url.query'];
const OUTGOING_PATH_ATTRIBUTES = ['http.target', 'url.path'];

/** Strips the query string (and a fragment) from every URL attribute before a span is exported. */
export class UrlRedactingProcessor implements SpanProcessor {
  onStart(): void {}
  onEnding(span: Span): void {
    const attributes = span.attributes as Record<string, unknown>;
    const outgoing = span.kind === SpanKind.CLIENT;
    for (const key of URL_ATTRIBUTES) {
      const value = attributes[key];
      if (typeof value !== 'string') continue;
      if (outgoing && OUTGOING_PATH_ATTRIBUTES.includes(key)) delete attributes[key];
      else attributes[key] = outgoing ? originOf(value) : withoutQuery(value);
    }
    for (const key of DROPPED_ATTRIBUTES) delete attributes[key];
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A background run (Periodic) is a trace of its own. One that found nothing to do is dropped whole
 * (its span and its claim queries): only runs that did work are exported. The spans of a run are
 * held until the run's span ends and its work is known.
 */
export class IdleRunFilter implements SpanProcessor {
  private readonly held = new Map<string, ReadableSpan[]>();

  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    if (span.attributes[RUN_ATTRIBUTE] !== undefined) this.held.set(span.spanContext().traceId, []);
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const held = this.held.get(traceId);
    if (!held) return this.next.onEnd(span);
    if (span.attributes[RUN_ATTRIBUTE] === undefined) {
      held.push(span);
      return;
    }
    this.held.delete(traceId);
    if (!span.attributes[RUN_WORK_ATTRIBUTE]) return;
    for (const child of held) this.next.onEnd(child);
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/** scheme://host[:port] of a URL; nothing when it is not one. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut < 0 ? url : url.slice(0, cut);
}

/**
 * What a Redis span says of a command: its name and, for a command on a key, the key's prefix
 * (the part before its last `:`); never a value, which can be a session, a token or a card.
 */
export function redisStatement(command: string, args: ReadonlyArray<unknown>): string {
  const first = args[0];
  if (typeof first !== 'string' || !first.includes(':')) return command;
  return `${command} ${first.slice(0, first.lastIndexOf(':') + 1)}?`;
}

/**
 * Starts tracing: an OTLP/HTTP (JSON) exporter to OTEL_EXPORTER_OTLP_ENDPOINT, W3C Trace Context
 * propagation, and the http, express, pg and ioredis instrumentations. Must run before those
 * modules are first required (src/tracing.ts, the first import of src/server.ts). Returns the
 * shutdown that flushes what is buffered.
 */
export function startTracing(env: NodeJS.ProcessEnv): () => Promise<void> {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || 'ocp-api' }),
    spanProcessors: [new UrlRedactingProcessor(), new IdleRunFilter(new BatchSpanProcessor(new OTLPTraceExporter()))],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has(withoutQuery(request.url ?? '')),
        // No headers are recorded (no Authorization, no cookies), and bodies never are.
      }),
      // Express names the request's span by its route template; a span per middleware is only noise.
      new ExpressInstrumentation({
        ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
      }),
      // The statement text with its $1 placeholders, never the values bound to them.
      new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: redisStatement }),
    ],
  });
  return async () => {
    unregister();
    await provider.shutdown();
  };
}
