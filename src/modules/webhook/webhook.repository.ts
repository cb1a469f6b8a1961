import type { Transaction } from '../../shared/transaction';

export const WEBHOOK_EVENT_TYPES = [
  'wallet.created',
  'transfer.completed',
  'balance.changed',
  'balance.low',
  'refund.completed',
  'hold.created',
  'hold.captured',
  'hold.voided',
  'hold.expired',
  'auto_top_up.disabled',
  'web3.send.submitted',
  'web3.send.confirmed',
  'web3.send.failed',
  'agent.payment.completed',
  'agent.payment.refused',
  'agent.approval.requested',
  'agent.approval.declined',
  'agent.approval.expired',
  'order.created',
  'payout.created',
  'payout.paid',
  'payout.failed',
  'payout.returned',
] as const;

/** What an endpoint subscribes to: one of the event types, or '*' for all of them. */
export type WebhookEventFilter = (typeof WEBHOOK_EVENT_TYPES)[number] | '*';

export interface WebhookEndpoint {
  id: string;
  ownerId: string;
  url: string;
  events: WebhookEventFilter[];
  /** The signing secret, encrypted under the endpoint id as AAD. Never leaves the module in clear. */
  secretCiphertext: string;
  createdAt: Date;
}

/** Storage for endpoints. Errors: none expected beyond the database's own. */
export interface WebhookEndpointRepository {
  /**
   * Inserts the endpoint unless its owner already has `perOwnerMax` of them; null then. The count
   * and the insert are serialized per owner, so concurrent creations cannot overshoot the limit.
   */
  createWithinLimit(endpoint: Omit<WebhookEndpoint, 'createdAt'>, perOwnerMax: number): Promise<WebhookEndpoint | null>;
  listByOwner(ownerId: string): Promise<WebhookEndpoint[]>;
  /** Deletes the endpoint (and its pending deliveries) when it belongs to ownerId; false otherwise. */
  deleteOwned(ownerId: string, id: string): Promise<boolean>;
  /** The endpoint, or null when it does not exist or (ownerId given) is another owner's. */
  find(id: string, ownerId?: string): Promise<WebhookEndpoint | null>;
  /**
   * Makes `secretCiphertext` the owner's endpoint's secret. With `overlapSeconds` > 0 the secret it
   * replaces goes on signing, as the previous one, until that many seconds from now (replacing any
   * earlier previous secret); with 0 it stops at once. Null when the endpoint is not the owner's.
   */
  rotateSecret(ownerId: string, id: string, secretCiphertext: string, overlapSeconds: number): Promise<RotatedSecret | null>;
}

export interface RotatedSecret {
  /** Until when the secret before this rotation still signs; null when it stopped at once. */
  previousSecretExpiresAt: Date | null;
}

/** An event as the outbox stores it: `data` is already plain JSON (bigints as strings). */
export interface OutboxEvent {
  id: string;
  type: string;
  ownerId: string;
  occurredAt: Date;
  data: unknown;
  traceparent?: string;
}

/** A delivery a worker holds a lease on, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  /** The endpoint's tenant: the attempt and its outcome run in it. */
  tenantId: string;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  data: unknown;
  traceparent: string | null;
  /** Counting this attempt; also the fencing token for the outcome update. */
  attempts: number;
  endpointId: string;
  url: string;
  secretCiphertext: string;
  /** The secret before the last rotation, while its overlap window lasts; null otherwise. */
  previousSecretCiphertext: string | null;
}

/** What a claim may take per endpoint in this worker process. */
export interface ClaimLanes {
  /** Deliveries this process is sending right now, by endpoint id (absent: none). */
  inFlightByEndpoint: Record<string, number>;
  /** In-flight deliveries one endpoint may have in this process (1 while its breaker is half-open). */
  perEndpointMax: number;
}

/** When an endpoint's breaker opens, and for how long (see endpoint-breaker.ts). */
export interface BreakerPolicy {
  failuresToOpen: number;
  /** The first opening; each reopening after a failed probe doubles it, up to openMaxMs. */
  openBaseMs: number;
  openMaxMs: number;
}

export type BreakerChange = { state: 'opened'; openUntil: Date; trips: number; deferred: number } | { state: 'closed' };

/**
 * The outbox table. `enqueue` runs inside the caller's transaction; the rest are the worker's.
 * Outcome updates are fenced by `attempts`: a worker whose lease expired and whose delivery was
 * claimed again cannot overwrite the newer attempt's outcome.
 */
export interface WebhookDeliveryStore {
  /** One delivery per endpoint of the event's owner that subscribes to its type; returns how many. */
  enqueue(tx: Transaction, events: readonly OutboxEvent[]): Promise<number>;
  /**
   * Leases up to `limit` due deliveries for `leaseMs`, skipping rows other workers hold, endpoints
   * whose breaker is open and endpoints whose lane in this process is full.
   */
  claimDue(limit: number, leaseMs: number, lanes: ClaimLanes): Promise<ClaimedDelivery[]>;
  /** `responseCode`: the receiver's HTTP status, null when none came (refused, timed out). */
  markDelivered(delivery: ClaimedDelivery, responseCode: number): Promise<void>;
  scheduleRetry(delivery: ClaimedDelivery, delayMs: number, error: string, responseCode: number | null): Promise<void>;
  markFailed(delivery: ClaimedDelivery, error: string, responseCode: number | null): Promise<void>;
  /** Resets the endpoint's failure count; 'closed' when its breaker was open or half-open. */
  recordEndpointSuccess(endpointId: string): Promise<BreakerChange | null>;
  /**
   * Counts a failed attempt; 'opened' when that opens (or, after a failed probe, reopens) the
   * breaker, whose due deliveries are then pushed to its end with their attempts untouched.
   */
  recordEndpointFailure(endpointId: string, policy: BreakerPolicy): Promise<BreakerChange | null>;
  /** Endpoints whose breaker is open (waiting) or half-open (a probe may go), for the gauge. */
  countBreakers(): Promise<{ open: number; halfOpen: number }>;
  /**
   * Deletes up to `limit` delivered or failed deliveries settled more than `olderThanMs` ago,
   * oldest first; pending ones are never deleted. Returns how many went.
   */
  deleteSettled(olderThanMs: number, limit: number): Promise<number>;
  /** One endpoint's deliveries, newest first: up to `limit` rows after the cursor. */
  listByEndpoint(endpointId: string, filter: DeliveryFilter): Promise<DeliveryRecord[]>;
  findByEndpoint(endpointId: string, deliveryId: string): Promise<DeliveryRecord | null>;
  /**
   * Makes a settled (delivered or failed) delivery due again now, as a new round of attempts;
   * null when it is still pending (queued or in flight) or does not exist.
   */
  requeueSettled(endpointId: string, deliveryId: string): Promise<DeliveryRecord | null>;
  /** A delivery of `event` to this endpoint only, whatever it subscribes to. */
  enqueueToEndpoint(endpointId: string, event: OutboxEvent): Promise<DeliveryRecord>;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryFilter {
  status?: DeliveryStatus;
  limit: number;
  after?: { createdAt: Date; id: string };
}

/** A delivery as its log shows it (no payload, no secret). */
export interface DeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  /** Attempts of the current round (a redelivery starts a new one). */
  attempts: number;
  lastResponseCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  /** When the next attempt is due while pending; null once settled. */
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}
