// The idempotency module's public surface: the container builds it, the HTTP route declaration claims keys.
export { createIdempotencyService } from './idempotency.module';
export type { IdempotencyClaim, IdempotencyService } from './idempotency.service';
