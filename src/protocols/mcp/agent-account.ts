import type { AdminModule } from '../../modules/admin';
import type { AgentModule } from '../../modules/agent';
import type { LedgerService } from '../../modules/ledger';
import type { WalletService } from '../../modules/wallet';
import type { Cursor } from '../../shared/pagination';
import type { Principal } from '../../shared/principal';

/** The services the MCP tools call; the container's own instances. */
export interface McpServices {
  payments: AgentModule['payments'];
  credentials: AgentModule['credentials'];
  wallets: WalletService;
  ledger: LedgerService;
  /** Refund requests, decided by operators: request_refund opens one for the agent's owner. */
  refunds: Pick<AdminModule['refunds'], 'requestByAgent'>;
}

type WhoAmI = Awaited<ReturnType<AgentModule['payments']['whoAmI']>>;
export type ActingAgent = WhoAmI['agent'];
export type AgentWallet = Awaited<ReturnType<WalletService['get']>>;
export type LedgerEntry = Awaited<ReturnType<LedgerService['history']>>['data'][number];

/**
 * What the calling agent may read of its own account: itself, its policy and spend, and the one
 * wallet its owner bound to it. The wallet belongs to the owner, so it is read through the wallet and
 * ledger services as the owner, for the id on the agent's record only (never an id the caller
 * names): an agent sees its bound wallet and nothing else of its owner's.
 */
export class AgentAccount {
  constructor(
    private readonly services: McpServices,
    readonly principal: Principal,
  ) {}

  /** Errors: agent_only / agent_suspended_or_revoked (403). */
  whoAmI(): Promise<WhoAmI> {
    return this.services.payments.whoAmI(this.principal);
  }

  /** Errors: agent_only / agent_suspended_or_revoked (403), wallet_not_found (404). */
  async wallet(agent?: ActingAgent): Promise<AgentWallet> {
    const acting = agent ?? (await this.whoAmI()).agent;
    return this.services.wallets.get(this.owner(acting), acting.walletId);
  }

  /** Newest first. Errors: agent_only / agent_suspended_or_revoked (403), wallet_not_found (404). */
  async history(limit: number, after?: Cursor) {
    const { agent } = await this.whoAmI();
    return this.services.ledger.history(this.owner(agent), agent.walletId, {}, limit, after);
  }

  /**
   * The owner as a principal with no permissions, in the agent's tenant (its token's): enough for the
   * wallet and ledger services' ownership check.
   */
  private owner(agent: ActingAgent): Principal {
    return { sub: agent.ownerId, role: 'user', permissions: [], tenantId: this.principal.tenantId };
  }
}
