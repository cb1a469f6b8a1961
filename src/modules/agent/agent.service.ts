import { newId, newSecret, sha256Hex } from '../../infra/crypto/ids';
import type { Logger } from '../../infra/logger';
import type { Principal } from '../../shared/principal';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../shared/errors';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import { AGENT_CLIENT_ID_PREFIX } from '../auth';
import { assertWalletAccess, type Wallet, type WalletRepository, type WalletService } from '../wallet';
import type { Agent, AgentChanges, AgentRepository, AgentStatus } from './agent.repository';
import type { SpendingPolicy } from './policy';

export interface AgentRegistration {
  name: string;
  description?: string;
  /** A wallet of the owner's that the agent spends from… */
  walletId?: string;
  /** …or a dedicated new wallet in this currency. */
  createWallet?: { currency: string };
  policy: SpendingPolicy;
}

/** Owners register and manage their agents. An owner sees only their own agents; others get 404. */
export class AgentService {
  constructor(
    private readonly agents: AgentRepository,
    private readonly wallets: WalletRepository,
    private readonly walletService: WalletService,
    private readonly logger: Logger,
  ) {}

  /**
   * Creates an agent bound to one of the owner's wallets, with its first policy version and
   * credentials; the secret is returned once and stored only hashed.
   * Errors: wallet_not_found (404), validation_failed (400).
   */
  async register(owner: Principal, input: AgentRegistration): Promise<{ agent: Agent; clientSecret: string }> {
    assertPolicyWindow(input.policy);
    const walletId = input.walletId
      ? assertWalletAccess(owner, await this.wallets.findById(input.walletId)).id
      : (await this.walletService.create(owner.sub, { currency: input.createWallet!.currency, label: `agent: ${input.name}` })).id;
    const clientSecret = newSecret();
    const agent = await this.agents.insert({
      id: newId('agt'),
      ownerId: owner.sub,
      name: input.name,
      description: input.description ?? null,
      walletId,
      clientId: newId(AGENT_CLIENT_ID_PREFIX.slice(0, -1)),
      secretHash: sha256Hex(clientSecret),
      policy: input.policy,
    });
    this.logger.info('agent registered', { agentId: agent.id, ownerId: owner.sub, walletId });
    return { agent, clientSecret };
  }

  async list(owner: Principal, limit: number, after?: Cursor): Promise<Page<Agent>> {
    return toPage(await this.agents.listByOwner(owner.sub, limit, after), limit);
  }

  /** Errors: agent_not_found (404), also for another owner's agent. */
  async get(owner: Principal, id: string): Promise<Agent> {
    const agent = await this.agents.findById(id);
    if (!agent || agent.ownerId !== owner.sub) throw new NotFound('Agent not found', 'agent_not_found');
    return agent;
  }

  /**
   * What any caller may learn of an active agent to address it (its A2A agent card): id, name and
   * description; null for an unknown, suspended or revoked agent. Owner, wallet and policy stay private.
   */
  async findListed(id: string): Promise<Pick<Agent, 'id' | 'name' | 'description'> | null> {
    const agent = await this.agents.findById(id);
    return agent?.status === 'active' ? { id: agent.id, name: agent.name, description: agent.description } : null;
  }

  /**
   * The calling agent and the wallet its owner bound to it (its balance), for the agent itself.
   * Errors: agent_only / agent_suspended_or_revoked (403), wallet_not_found (404).
   */
  async boundWallet(principal: Principal): Promise<{ agent: Agent; wallet: Wallet }> {
    const agent = principal.role === 'agent' ? await this.agents.findById(principal.sub) : null;
    if (!agent) throw new Forbidden('Only an agent can do this', 'agent_only');
    if (agent.status !== 'active') throw new Forbidden('The agent is suspended or revoked', 'agent_suspended_or_revoked');
    const wallet = await this.wallets.findById(agent.walletId);
    if (!wallet) throw new NotFound('Wallet not found', 'wallet_not_found');
    return { agent, wallet };
  }

  /**
   * Renames, describes, or replaces the policy (recorded as a new version).
   * Errors: agent_not_found (404), agent_revoked (409), validation_failed (400).
   */
  async update(owner: Principal, id: string, changes: Omit<AgentChanges, 'status'>): Promise<Agent> {
    if (changes.policy) assertPolicyWindow(changes.policy);
    return this.change(owner, id, changes);
  }

  /**
   * A new secret for the agent, returned once: the old secret and every token issued with it stop
   * working at once. The client id stays. Errors: agent_not_found (404), agent_revoked (409).
   */
  async rotateCredentials(owner: Principal, id: string): Promise<{ agent: Agent; clientSecret: string }> {
    await this.get(owner, id);
    const clientSecret = newSecret();
    const agent = await this.agents.replaceSecret(id, sha256Hex(clientSecret));
    if (!agent) throw revokedAgent();
    this.logger.info('agent credentials rotated', { agentId: id, ownerId: owner.sub });
    return { agent, clientSecret };
  }

  /** Errors: agent_not_found (404), agent_revoked (409). */
  async setStatus(owner: Principal, id: string, status: AgentStatus): Promise<Agent> {
    const agent = await this.change(owner, id, { status });
    this.logger.info('agent status changed', { agentId: id, ownerId: owner.sub, status });
    return agent;
  }

  private async change(owner: Principal, id: string, changes: AgentChanges): Promise<Agent> {
    await this.get(owner, id);
    const updated = await this.agents.update(id, changes, owner.sub);
    if (!updated) throw revokedAgent();
    return updated;
  }
}

function revokedAgent(): Conflict {
  return new Conflict('agent_revoked', 'A revoked agent cannot be changed');
}

function assertPolicyWindow(policy: SpendingPolicy): void {
  if (policy.notBefore && policy.expiresAt && policy.notBefore >= policy.expiresAt) {
    throw new ValidationFailed('policy.notBefore must be before policy.expiresAt', {
      fields: [{ field: 'body.policy.notBefore', message: 'must be before expiresAt' }],
    });
  }
}
