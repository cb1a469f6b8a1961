import type { Config } from '../../config/config';
import { inSystemScope } from '../../infra/tenant-scope';
import type { Encryptor } from '../../infra/crypto/envelope';
import type { Database } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';
import type { Metrics } from '../../infra/metrics';
import type { EventBus } from '../../shared/events';
import type { LedgerService } from '../ledger';
import type { Outbox } from '../../shared/outbox';
import type { WalletRepository, WalletService } from '../wallet';
import { SqlAgentPaymentRepository } from './adapters/sql-agent-payment.repository';
import { SqlAgentRepository } from './adapters/sql-agent.repository';
import type { AgentRepository } from './agent.repository';
import type { AgentCredentialStore } from '../auth';
import { AgentPaymentService } from './agent-payment.service';
import { subscribeAgentMetrics } from './agent.metrics';
import { AgentService } from './agent.service';
import { SqlMandateRepository } from './mandate/adapters/sql-mandate.repository';
import { MandateService } from './mandate/mandate.service';
import { SqlPaymentCredentialRepository } from './adapters/sql-payment-credential.repository';
import { PaymentCredentialService, type CredentialMerchants } from './ucp/payment-credential.service';
import { UcpService } from './ucp/ucp.service';
import { SqlAgentX402PaymentRepository } from './adapters/sql-x402-payment.repository';
import { AgentX402Service } from './x402-payment.service';

/** Agents and their credentials, in one store: the auth module reads credentials from it too. */
export type AgentStore = AgentRepository & AgentCredentialStore;

/** Built before the auth module, which asks it for agents' credentials and status. */
export function createAgentStore(db: Database): AgentStore {
  return new SqlAgentRepository(db);
}

export interface AgentModuleDeps {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  /** Built earlier: the auth module asks it for agent credentials and status. */
  agentRepository: AgentStore;
  walletRepository: WalletRepository;
  wallets: WalletService;
  ledger: LedgerService;
  outbox: Outbox;
  events: EventBus;
  /** Encrypts the mandate signing keys OCP holds for owners. */
  encryptor: Encryptor;
  /** The merchant module's service: UCP payment credentials pay merchants, and merchants look their payments up. */
  merchants: CredentialMerchants;
}

/** Agents, their payments and approvals, wired from the shared pieces. */
export function createAgentModule(d: AgentModuleDeps) {
  subscribeAgentMetrics(d.events, d.metrics);
  const agents = new AgentService(d.agentRepository, d.walletRepository, d.wallets, d.logger);
  // One audit log for every payment decision of an agent, x402 payments' included.
  const paymentRepository = new SqlAgentPaymentRepository(d.db);
  const payments = new AgentPaymentService(d.db, d.agentRepository, paymentRepository, d.ledger, d.outbox, d.events, {
    approvalTtlMs: d.config.AGENT_APPROVAL_TTL_SECONDS * 1000,
  });
  const mandates = new MandateService(new SqlMandateRepository(d.db), agents, d.encryptor);
  payments.useMandates(mandates);
  const credentials = new PaymentCredentialService(new SqlPaymentCredentialRepository(d.db), payments, d.merchants, d.walletRepository, {
    ttlMs: d.config.UCP_CREDENTIAL_TTL_SECONDS * 1000,
  });
  const x402 = new AgentX402Service(d.db, d.agentRepository, new SqlAgentX402PaymentRepository(d.db), paymentRepository);
  /** An agent's tenant, for its public A2A card called on a host name that names none. */
  const tenantOf = (agentId: string) => inSystemScope(() => d.agentRepository.tenantOf(agentId));
  return { agents, payments, mandates, ucp: new UcpService(payments), credentials, x402, tenantOf };
}

export type AgentModule = ReturnType<typeof createAgentModule>;
