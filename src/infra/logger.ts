import winston from 'winston';
import type Transport from 'winston-transport';
import { redact } from './redact';
import { requestContext, traceIdOf } from './request-context';
import { activeSpanContext } from './tracing/spans';

export type Logger = winston.Logger;

// Every line gets the request id (and trace id) of the request it belongs to, and passes through redaction.
const contextAndRedaction = winston.format((info) => {
  const context = requestContext.current();
  const clean = redact({ ...info }) as winston.Logform.TransformableInfo;
  for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, clean);
  if (context && info.requestId === undefined) info.requestId = context.requestId;
  const traceId = traceIdOf(context?.traceparent);
  if (traceId && info.traceId === undefined) info.traceId = traceId;
  // Tracing on: the active span, so a line can be found from its trace in Jaeger and back.
  const span = activeSpanContext();
  if (span && info.trace_id === undefined) {
    info.trace_id = span.traceId;
    info.span_id = span.spanId;
  }
  return info;
});

export function createLogger(level: string, transports?: Transport[]): Logger {
  // winston runs the whole format (redaction, JSON) for every call and only then drops lines below
  // the level: drop them first, so a disabled request log costs nothing.
  const enabled = winston.format((info) => (logger.isLevelEnabled(info.level) ? info : false));
  const logger = winston.createLogger({
    level,
    format: winston.format.combine(
      enabled(),
      winston.format.errors({ stack: true }),
      contextAndRedaction(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    defaultMeta: { service: 'ocp' },
    transports: transports ?? [new winston.transports.Console()],
  });
  return logger;
}
