import { idParams } from '../../http/params';
import type { Api } from '../../http/api';
import type { WebhookService } from './webhook.service';
import { createdWebhookView, createWebhookBody, webhookListView } from './webhook.schemas';

const tags = ['webhooks'];
const permission = 'webhook:manage';

export function webhookRoutes(api: Api, webhooks: WebhookService): void {
  api.route({
    method: 'post',
    path: '/webhooks',
    summary: 'Register a webhook endpoint; its signing secret is shown only in this response',
    tags,
    permission,
    body: createWebhookBody,
    responses: { 201: { description: 'The endpoint and its signing secret', schema: createdWebhookView } },
    handler: async ({ body, principal }) => ({
      status: 201,
      body: await webhooks.create(principal.sub, body.url, body.events),
    }),
  });

  api.route({
    method: 'get',
    path: '/webhooks',
    summary: "The caller's webhook endpoints (at most 20), newest first, without secrets",
    tags,
    permission,
    responses: { 200: { description: 'The endpoints', schema: webhookListView } },
    handler: async ({ principal }) => ({ status: 200, body: { data: await webhooks.list(principal.sub) } }),
  });

  api.route({
    method: 'delete',
    path: '/webhooks/:id',
    summary: 'Delete a webhook endpoint; deliveries not yet sent are dropped',
    tags,
    permission,
    params: idParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ params, principal }) => {
      await webhooks.remove(principal.sub, params.id);
      return { status: 204 };
    },
  });
}
