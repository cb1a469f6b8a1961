export {
  createOcpClient,
  type OcpClient,
  type OcpClientOptions,
  type OcpData,
  type OcpPaths,
  type PageItem,
  type PaginatedPath,
} from './client.js';
export { OcpError } from './errors.js';
export { formatAmount, parseAmount, type Money } from './money.js';
export type { RetryOptions } from './retry.js';
export type { OcpAuth, OcpTokens } from './session.js';
export { constructWebhookEvent, verifyWebhookSignature, WebhookSignatureError, type VerifyWebhookOptions } from './webhooks.js';
import type { components } from './generated/schema.js';
export type { components, paths } from './generated/schema.js';
/** The schema types by name, e.g. Schemas['Wallet']. */
export type Schemas = components['schemas'];
