import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from './webhook.repository';
import { WEBHOOK_URL_CHARS_MAX } from './webhook-url';

const eventFilter = z.enum([...WEBHOOK_EVENT_TYPES, '*']);

export const createWebhookBody = z
  .object({
    url: z.string().min(1).max(WEBHOOK_URL_CHARS_MAX).meta({
      example: 'https://example.com/ocp/webhooks',
      description:
        'https (http to localhost only outside production); in production never a private, loopback, link-local or reserved address',
    }),
    events: z
      .array(eventFilter)
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length + 1)
      .meta({ description: 'Event types to receive, or "*" for all' }),
  })
  .strict();

export const webhookView = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    createdAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'WebhookEndpoint' });

export const createdWebhookView = webhookView
  .extend({
    secret: z.string().meta({
      description: 'Signing secret for the OCP-Signature header (HMAC-SHA256). Shown once: store it now.',
    }),
  })
  .meta({ id: 'CreatedWebhookEndpoint' });

export const webhookListView = z.object({ data: z.array(webhookView) });
