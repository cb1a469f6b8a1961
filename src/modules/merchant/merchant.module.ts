import type { Encryptor } from '../../infra/crypto/envelope';
import { inSystemScope } from '../../infra/tenant-scope';
import type { Database } from '../../infra/db/database';
import type { Outbox } from '../../shared/outbox';
import { SqlCheckoutRepository } from './adapters/sql-checkout.repository';
import { SqlMerchantSigningKeyRepository } from './adapters/sql-merchant-signing-key.repository';
import { SqlMerchantRepository } from './adapters/sql-merchant.repository';
import { SqlUsedMandateRepository } from './adapters/sql-used-mandates.repository';
import type { UsedMandateRepository } from '../../protocols/ucp/ap2/checkout-mandate.repository';
import { CatalogService } from './catalog.service';
import { CheckoutCompletionService } from './checkout/checkout-completion.service';
import type { CheckoutPayments } from './checkout/checkout-payments';
import { CheckoutLookup } from './checkout/checkout-state';
import { CheckoutService } from './checkout/checkout.service';
import { OrderService } from './checkout/order.service';
import type { MerchantRepository } from './merchant.repository';
import { MerchantSigningService } from './merchant-signing.service';
import { MerchantService, type MerchantCredentials, type MerchantWallets } from './merchant.service';

export interface MerchantModuleDeps {
  db: Database;
  /** The wallet module's service: its ownership check decides which wallets a merchant may bind. */
  wallets: MerchantWallets;
  /** The auth module's merchant API clients. */
  credentials: MerchantCredentials;
  /** PUBLIC_BASE_URL: the merchants' UCP endpoints are absolute URLs under it. */
  publicBaseUrl: string;
  /** Where `order.created` is written, in the transaction that places the order. */
  outbox: Outbox;
  /** How long a checkout session stays open (UCP_CHECKOUT_TTL_SECONDS). */
  checkoutTtlMs: number;
  /** Encrypts the merchants' AP2 signing keys. */
  encryptor: Encryptor;
}

/** Merchants, their catalogs, checkout sessions, orders and AP2 signing keys on the SQL adapters. */
export function createMerchantModule(d: MerchantModuleDeps) {
  const publicBaseUrl = d.publicBaseUrl.replace(/\/+$/, '');
  const repository: MerchantRepository = new SqlMerchantRepository(d.db);
  const sessions = new SqlCheckoutRepository(d.db);
  const lookup = new CheckoutLookup(sessions, repository, { ttlMs: d.checkoutTtlMs, publicBaseUrl });
  return {
    merchants: new MerchantService(repository, d.wallets, d.credentials, publicBaseUrl),
    catalog: new CatalogService(repository),
    checkouts: new CheckoutService(lookup, d.db),
    orders: new OrderService(sessions, repository),
    /** Completing checkouts needs the payment handler, which the container builds after this module. */
    completion: (payments: CheckoutPayments) => new CheckoutCompletionService(lookup, d.outbox, payments),
    signing: new MerchantSigningService(repository, new SqlMerchantSigningKeyRepository(d.db), d.encryptor),
    // The checkout mandates merchants accepted, for the AP2 verifier's single-use record.
    usedMandates: new SqlUsedMandateRepository() as UsedMandateRepository,
    /** A merchant's tenant, for its public UCP routes called on a host name that names none. */
    tenantOf: (merchantId: string) => inSystemScope(() => repository.tenantOf(merchantId)),
  };
}

export type MerchantModule = ReturnType<typeof createMerchantModule>;
