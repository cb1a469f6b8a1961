import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type SpanContext,
} from '@opentelemetry/api';

/**
 * OCP's own spans (posting-queue groups, background runs, provider calls, webhook deliveries).
 * Everything here goes through @opentelemetry/api: with tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)
 * no provider is registered and these calls do nothing. Attributes are ids, counts and names only:
 * never a secret, a card number or a token.
 */
const tracer = trace.getTracer('ocp');

export { SpanKind };
export type { Context, Link, SpanContext };

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** The parent; by default the active context. */
  parent?: Context;
}

/** Runs fn in a new active span, ended when fn settles; a throw marks it as an error. */
export function inSpan<T>(name: string, options: SpanOptions, fn: () => Promise<T>): Promise<T> {
  const { parent, ...rest } = options;
  return tracer.startActiveSpan(name, rest, parent ?? context.active(), async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The active span's context when a span is being recorded (tracing on), else undefined. */
export function activeSpanContext(): SpanContext | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext() : undefined;
}

/** The active context, to be a parent later (a posting waiting in the queue). */
export function activeContext(): Context {
  return context.active();
}

/** The active recording span as a W3C traceparent, else undefined. */
export function activeTraceparent(): string | undefined {
  const spanContext = activeSpanContext();
  if (!spanContext) return undefined;
  return `00-${spanContext.traceId}-${spanContext.spanId}-${spanContext.traceFlags.toString(16).padStart(2, '0')}`;
}

/** A stored traceparent as a parent context: the work it started continues its trace. */
export function contextOf(traceparent: string | null | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** Set on the span of a background run (its name); the run's trace is exported only if it did work. */
export const RUN_ATTRIBUTE = 'ocp.run';
/** Items a background run worked (claimed, expired, deleted...); 0 or unset: an idle run, dropped. */
export const RUN_WORK_ATTRIBUTE = 'ocp.run.items';

/** A background run's span: a root (each run a trace of its own). */
export function inRunSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return inSpan(name, { parent: ROOT_CONTEXT, attributes: { [RUN_ATTRIBUTE]: name } }, fn);
}

/** Counts the items the current background run worked, so its trace is kept. */
export function recordRunWork(items: number): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording() || items <= 0) return;
  const attributes = (span as unknown as { attributes?: Attributes }).attributes;
  const before = Number(attributes?.[RUN_WORK_ATTRIBUTE] ?? 0);
  span.setAttribute(RUN_WORK_ATTRIBUTE, before + items);
}
