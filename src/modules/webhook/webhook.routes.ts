import { idParams } from '../../http/params';
import type { Api } from '../../http/api';
import type { WebhookService } from './webhook.service';
import type { WebhookDeliveryLog } from './delivery-log';
import {
  createdWebhookView,
  createWebhookBody,
  deliveryListQuery,
  deliveryPageView,
  deliveryParams,
  deliveryView,
  rotatedSecretView,
  rotateSecretBody,
  toDeliveryView,
  webhookListView,
} from './webhook.schemas';

const tags = ['webhooks'];
const permission = 'webhook:manage';

export function webhookRoutes(api: Api, webhooks: WebhookService, deliveries: WebhookDeliveryLog): void {
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

  api.route({
    method: 'get',
    path: '/webhooks/:id/deliveries',
    summary: "The endpoint's deliveries, newest first: status, attempts, the receiver's last answer, the next retry",
    tags,
    permission,
    params: idParams,
    query: deliveryListQuery,
    responses: { 200: { description: 'A page of deliveries', schema: deliveryPageView } },
    handler: async ({ params, query, principal }) => {
      const page = await deliveries.list(principal.sub, params.id, query);
      return { status: 200, body: { data: page.data.map(toDeliveryView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'post',
    path: '/webhooks/:id/deliveries/:deliveryId/redeliver',
    summary: 'Send a delivered or failed delivery again now: the same event id, signed with the current secret',
    tags,
    permission,
    params: deliveryParams,
    responses: { 202: { description: 'Queued for a new round of attempts', schema: deliveryView } },
    handler: async ({ params, principal }) => ({
      status: 202,
      body: toDeliveryView(await deliveries.redeliver(principal.sub, params.id, params.deliveryId)),
    }),
  });

  api.route({
    method: 'post',
    path: '/webhooks/:id/test',
    summary: 'Queue a webhook.test event to this endpoint only, to check that it receives and verifies them',
    tags,
    permission,
    params: idParams,
    responses: { 202: { description: 'The queued delivery', schema: deliveryView } },
    handler: async ({ params, principal }) => ({
      status: 202,
      body: toDeliveryView(await deliveries.sendTest(principal.sub, params.id)),
    }),
  });

  api.route({
    method: 'post',
    path: '/webhooks/:id/rotate-secret',
    summary: 'Give the endpoint a new signing secret; the old one also signs for overlapSeconds (default 24 h)',
    tags,
    permission,
    params: idParams,
    body: rotateSecretBody,
    responses: { 200: { description: 'The new secret, shown only here', schema: rotatedSecretView } },
    handler: async ({ params, body, principal }) => {
      const rotated = await webhooks.rotateSecret(principal.sub, params.id, body.overlapSeconds);
      return { status: 200, body: { ...rotated, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null } };
    },
  });
}
