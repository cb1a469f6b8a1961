import type { Config } from '../../config/config';
import type { Database } from '../../infra/db/database';
import type { Logger } from '../../infra/logger';
import type { EventBus } from '../../shared/events';
import type { LedgerService } from '../ledger/ledger.service';
import type { Outbox } from '../ledger/outbox';
import type { WalletRepository } from '../wallet/wallet.repository';
import type { WalletService } from '../wallet/wallet.service';
import { SqlAgentPaymentRepository } from './adapters/sql-agent-payment.repository';
import type { SqlAgentRepository } from './adapters/sql-agent.repository';
import { AgentPaymentService } from './agent-payment.service';
import { AgentService } from './agent.service';
import { UcpService } from './ucp/ucp.service';

export interface AgentModuleDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** Built earlier: the auth module asks it for agent credentials and status. */
  agentRepository: SqlAgentRepository;
  walletRepository: WalletRepository;
  wallets: WalletService;
  ledger: LedgerService;
  outbox: Outbox;
  events: EventBus;
}

/** Agents, their payments and approvals, wired from the shared pieces. */
export function createAgentModule(d: AgentModuleDeps) {
  const agents = new AgentService(d.agentRepository, d.walletRepository, d.wallets, d.logger);
  const payments = new AgentPaymentService(d.db, d.agentRepository, new SqlAgentPaymentRepository(d.db), d.ledger, d.outbox, d.events, {
    approvalTtlMs: d.config.AGENT_APPROVAL_TTL_SECONDS * 1000,
  });
  return { agents, payments, ucp: new UcpService(payments) };
}

export type AgentModule = ReturnType<typeof createAgentModule>;
