import { z } from 'zod';
import { resourceId } from '../../http/params';
import { pageQuery } from '../../shared/pagination';
import { DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES, type DeliveryRecord } from './webhook.repository';
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

export const deliveryListQuery = pageQuery.extend({ status: z.enum(DELIVERY_STATUSES).optional() }).strict();

export const deliveryParams = z.object({ id: resourceId, deliveryId: resourceId });

export const deliveryView = z
  .object({
    id: z.string(),
    eventId: z.string().meta({ description: 'The same on every redelivery: receivers drop duplicates by it' }),
    eventType: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().meta({ description: 'Attempts of the current round (a redelivery starts a new one)' }),
    lastResponseCode: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The receiver's HTTP status at the last attempt; null if none came" }),
    lastError: z.string().nullable().meta({ description: 'Why the last attempt failed (HTTP 500, timeout, ECONNREFUSED…), if it did' }),
    lastAttemptAt: z.string().nullable().meta({ format: 'date-time' }),
    nextAttemptAt: z.string().nullable().meta({ format: 'date-time', description: 'When the next attempt is due; null once settled' }),
    createdAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'WebhookDelivery' });

export const deliveryPageView = z.object({ data: z.array(deliveryView), nextCursor: z.string().nullable() });

export const toDeliveryView = (d: DeliveryRecord): z.infer<typeof deliveryView> => ({
  id: d.id,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  lastResponseCode: d.lastResponseCode,
  lastError: d.lastError,
  lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
});

/** A rotation's overlap: how long the replaced secret goes on signing beside the new one. */
export const SECRET_OVERLAP_SECONDS_DEFAULT = 24 * 60 * 60;
export const SECRET_OVERLAP_SECONDS_MAX = 7 * 24 * 60 * 60;

export const rotateSecretBody = z
  .object({
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(SECRET_OVERLAP_SECONDS_MAX)
      .default(SECRET_OVERLAP_SECONDS_DEFAULT)
      .meta({ description: 'Seconds the old secret still signs beside the new one (default 86400, at most 604800); 0: it stops now' }),
  })
  .strict();

export const rotatedSecretView = z
  .object({
    id: z.string(),
    secret: z.string().meta({ description: 'The new signing secret. Shown once: store it now.' }),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .meta({ format: 'date-time', description: 'Until when deliveries also carry a signature with the old secret; null: not at all' }),
  })
  .meta({ id: 'RotatedWebhookSecret' });
