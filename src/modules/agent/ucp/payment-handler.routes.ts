import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Router } from 'express';
import type { Api } from '../../../http/api';
import { HANDLER_PATHS, handlerConfigSchema, handlerInstrumentSchema, type PaymentHandlerSettings } from './payment-handler';

/** The handler's human-readable specification, shipped beside the code (the Docker image copies it). */
const SPEC_PATH = join(__dirname, '..', '..', '..', '..', 'docs', 'ucp-payment-handler.md');

/**
 * Public documents of the OCP wallet payment handler, at the absolute URLs its handler object names:
 * its specification and the JSON schemas of its config and instrument.
 */
export function mountPaymentHandlerDocuments(app: Router, api: Api, settings: PaymentHandlerSettings): void {
  const config = handlerConfigSchema(settings);
  const instrument = handlerInstrumentSchema(settings);
  app.get(HANDLER_PATHS.configSchema, (_req, res) => {
    res.type('application/schema+json').send(JSON.stringify(config));
  });
  app.get(HANDLER_PATHS.instrumentSchema, (_req, res) => {
    res.type('application/schema+json').send(JSON.stringify(instrument));
  });
  let spec: Promise<string> | undefined;
  app.get(HANDLER_PATHS.spec, async (_req, res, next) => {
    try {
      res.type('text/markdown').send(await (spec ??= readFile(SPEC_PATH, 'utf8')));
    } catch (error) {
      spec = undefined;
      next(error);
    }
  });
  for (const [path, summary] of [
    [HANDLER_PATHS.spec, 'The OCP wallet payment handler specification (Markdown)'],
    [HANDLER_PATHS.configSchema, "JSON schema of the OCP wallet payment handler's config"],
    [HANDLER_PATHS.instrumentSchema, 'JSON schema of an OCP wallet payment instrument'],
  ] as const) {
    api.registry.registerPath({ method: 'get', path, summary, tags: ['ucp'], responses: { 200: { description: summary } } });
  }
}
