// The webhook module's public surface: the container builds it (its outbox implements the shared
// Outbox port that other modules write events to) and the app mounts its routes.
export { createWebhookModule, type OutgoingPost } from './webhook.module';
export { webhookRoutes } from './webhook.routes';
export type { WebhookService } from './webhook.service';
// The delivery log, for the admin module's routes across accounts.
export type { WebhookDeliveryLog } from './delivery-log';
export { deliveryListQuery, deliveryPageView, toDeliveryView } from './webhook.schemas';
// The outgoing-URL safety, for other edges that fetch URLs callers give (x402 payments).
export { publicOnlyLookup, TargetAddressNotAllowed } from './public-only-lookup';
export { isPublicAddress } from './target-address';
