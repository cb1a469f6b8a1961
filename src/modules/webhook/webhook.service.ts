import type { Encryptor } from '../../infra/crypto/envelope';
import { newId, newSecret } from '../../infra/crypto/ids';
import type { Logger } from '../../infra/logger';
import { NotFound, Unprocessable, ValidationFailed } from '../../shared/errors';
import type { WebhookEndpoint, WebhookEndpointRepository, WebhookEventFilter } from './webhook.repository';
import { webhookUrlProblem, type WebhookUrlPolicy } from './webhook-url';

export interface PublicWebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventFilter[];
  createdAt: Date;
}

export interface WebhookServiceOptions extends WebhookUrlPolicy {
  endpointsPerOwnerMax: number;
}

const toPublic = ({ id, url, events, createdAt }: WebhookEndpoint): PublicWebhookEndpoint => ({ id, url, events, createdAt });

/** Registration of webhook endpoints. Delivery is the outbox's and the worker's business. */
export class WebhookService {
  constructor(
    private readonly repo: WebhookEndpointRepository,
    private readonly encryptor: Encryptor,
    private readonly logger: Logger,
    private readonly options: WebhookServiceOptions,
  ) {}

  /**
   * Registers an endpoint for ownerId. The signing secret is returned here only and stored
   * encrypted, bound to the endpoint id.
   * Errors: validation_failed (400) for a refused URL (scheme, credentials, a private target), webhook_endpoint_limit (422).
   */
  async create(ownerId: string, url: string, events: WebhookEventFilter[]): Promise<PublicWebhookEndpoint & { secret: string }> {
    const problem = webhookUrlProblem(url, this.options);
    if (problem) {
      throw new ValidationFailed(`Invalid request: body.url: ${problem}`, { fields: [{ field: 'body.url', message: problem }] });
    }
    const id = newId('whe');
    const secret = `whsec_${newSecret()}`;
    const endpoint = await this.repo.createWithinLimit(
      { id, ownerId, url, events: [...new Set(events)], secretCiphertext: this.encryptor.encrypt(secret, id) },
      this.options.endpointsPerOwnerMax,
    );
    if (!endpoint) {
      const max = this.options.endpointsPerOwnerMax;
      throw new Unprocessable('webhook_endpoint_limit', `At most ${max} webhook endpoints per account`, { max });
    }
    this.logger.info('webhook endpoint created', { endpointId: id, ownerId, events: endpoint.events });
    return { ...toPublic(endpoint), secret };
  }

  /** The owner's endpoints, newest first, without their secrets. */
  async list(ownerId: string): Promise<PublicWebhookEndpoint[]> {
    return (await this.repo.listByOwner(ownerId)).map(toPublic);
  }

  /** Deletes the endpoint and its undelivered deliveries. Errors: not_found (404), also for another owner's. */
  async remove(ownerId: string, id: string): Promise<void> {
    if (!(await this.repo.deleteOwned(ownerId, id))) throw new NotFound('Webhook endpoint not found', 'webhook_not_found');
    this.logger.info('webhook endpoint deleted', { endpointId: id, ownerId });
  }

  /**
   * Gives the endpoint a new signing secret, returned here only and stored encrypted. For
   * `overlapSeconds` the old one goes on signing too (deliveries carry both signatures), so the
   * receiver can switch without refusing a delivery; a rotation during an overlap ends the older
   * secret at once. Errors: webhook_not_found (404), also for another owner's.
   */
  async rotateSecret(
    ownerId: string,
    id: string,
    overlapSeconds: number,
  ): Promise<{ id: string; secret: string; previousSecretExpiresAt: Date | null }> {
    const secret = `whsec_${newSecret()}`;
    const rotated = await this.repo.rotateSecret(ownerId, id, this.encryptor.encrypt(secret, id), overlapSeconds);
    if (!rotated) throw new NotFound('Webhook endpoint not found', 'webhook_not_found');
    this.logger.info('webhook secret rotated', { endpointId: id, ownerId, overlapSeconds });
    return { id, secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt };
  }
}
