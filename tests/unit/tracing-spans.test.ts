import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  activeContext,
  activeSpanContext,
  activeTraceparent,
  contextOf,
  inRunSpan,
  inSpan,
  recordRunWork,
  RUN_WORK_ATTRIBUTE,
} from '../../src/infra/tracing/spans';

/** OCP's span helpers with a real in-process tracer (no instrumentation patches anything here). */
describe("OCP's span helpers with tracing on", () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => {
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
  });
  afterAll(() => {
    // The API's globals outlive this file in the worker: leave tracing off for the next one.
    trace.disable();
    context.disable();
    propagation.disable();
  });
  beforeEach(() => exporter.reset());

  it('when work runs in a span, then the span is active inside it, ended after it, and a throw marks it as an error', async () => {
    expect(activeTraceparent()).toBeUndefined();
    const seen = await inSpan('ok', {}, async () => ({ span: activeSpanContext(), traceparent: activeTraceparent() }));
    expect(seen.traceparent).toBe(`00-${seen.span!.traceId}-${seen.span!.spanId}-01`);
    await expect(inSpan('fails', {}, async () => Promise.reject(new TypeError('boom')))).rejects.toThrow('boom');
    const [ok, failed] = exporter.getFinishedSpans();
    expect(ok!.name).toBe('ok');
    expect(failed!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'TypeError' });
  });

  it('when a stored traceparent is the parent, then the work continues its trace; a missing or bad one gives none', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const parent = contextOf(traceparent);
    expect(parent).toBeDefined();
    const inner = await inSpan('continued', { parent: parent! }, async () => activeSpanContext());
    expect(inner!.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(contextOf(null)).toBeUndefined();
    expect(contextOf('not-a-traceparent')).toBeUndefined();
    expect(activeContext()).toBe(ROOT_CONTEXT);
  });

  it('when a background run records its work, then the counts add up on its root span, and nothing is recorded outside a run', async () => {
    recordRunWork(5);
    await inRunSpan('worker tick', async () => {
      recordRunWork(2);
      recordRunWork(0);
      recordRunWork(3);
    });
    const [run] = exporter.getFinishedSpans();
    expect(run!.attributes[RUN_WORK_ATTRIBUTE]).toBe(5);
    expect(run!.parentSpanContext).toBeUndefined();
  });
});
